using System.Globalization;
using System.Net;
using System.Text;
using DeepML.Cli.Data;
using DeepML.Cli.Training;
using DeepML.Fairness;

namespace DeepML.Cli.Report;

/// <summary>
/// Writes the report as one self-contained HTML file: styles inline, every picture a PNG data URI,
/// no script and nothing fetched, so it opens offline and can be mailed or archived as it is.
/// Sections: model card, data summary, leaderboard, learning curves, test metrics with ROC / PR /
/// calibration curves and confusion matrix (or predicted vs actual), feature importance with the SHAP
/// summary, and fairness when a sensitive column was given.
/// </summary>
internal static class HtmlReport
{
    /// <summary>Trials shown in the leaderboard before the rest fold into a details element.</summary>
    public const int LeaderboardRows = 20;

    public static string Render(ReportContent c)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>DeepML report: ")
            .Append(E(Path.GetFileName(c.DatasetPath))).Append("</title><style>").Append(Style).Append("</style></head><body>\n");
        html.Append("<h1>DeepML training report</h1>\n");
        ModelCard(html, c);
        DataSummary(html, c);
        Leaderboard(html, c);
        TestMetrics(html, c);
        Importance(html, c);
        Fairness(html, c);
        html.Append("<footer>Written by deepml train on ").Append(DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture))
            .Append(". Seed ").Append(c.Seed).Append(".</footer>\n</body></html>\n");
        return html.ToString();
    }

    public static void Write(ReportContent content, string path) =>
        AtomicFile.Write(path, Encoding.UTF8.GetBytes(Render(content)), "deepml report");

    private static void ModelCard(StringBuilder h, ReportContent c)
    {
        var main = c.Task.MainMetric;
        h.Append("<section id=\"model-card\"><h2>Model card</h2><table class=\"kv\">");
        Row(h, "Task", $"{c.Task.Task} classification".Replace("Regression classification", "Regression"));
        Row(h, "Label", c.Task.Task == TaskKind.Binary ? $"{c.Task.LabelColumn} (positive class: {c.Task.PositiveClass})" : c.Task.LabelColumn);
        Row(h, "Data", $"{Path.GetFileName(c.DatasetPath)}: {c.Rows.Train + c.Rows.Validation + c.Rows.Test:N0} rows used ({c.Rows.Train + c.Rows.Validation:N0} training, {c.Rows.Test:N0} held-out test); {c.Rows.Dropped:N0} dropped for a missing or unknown label");
        Row(h, "Model selection", c.Selection);
        Row(h, "Model", $"{c.Best.Family}: {c.Best.Description} (trial {c.Best.Number})");
        Row(h, $"Test {main}", F(c.Test[main]));
        if (c.BaselineTest is { } baseline)
            Row(h, $"Default FastTree test {main}", $"{F(baseline[main])} ({(c.Test[main] >= baseline[main] ? "the chosen model is as good or better" : "better than the chosen model on the test split")})");
        Row(h, "Search", $"{c.Trials.Count} trials in {c.Elapsed.TotalSeconds:F0} s (budget {c.Budget.TotalSeconds:F0} s): the default FastTree and LightGBM, four hand-picked networks, then {c.Tuning}");
        if (c.Artifacts.Count > 0)
            Row(h, "Files", string.Join(", ", c.Artifacts.Select(Path.GetFileName).Append("report.html")));
        h.Append("</table><h3>Limitations</h3><ul>");
        foreach (var limitation in c.Limitations)
            h.Append("<li>").Append(E(limitation)).Append("</li>");
        h.Append("</ul></section>\n");
    }

    private static void DataSummary(StringBuilder h, ReportContent c)
    {
        var s = c.Schema;
        h.Append("<section id=\"data\"><h2>Data summary</h2><p>").Append(s.Rows.ToString("N0", CultureInfo.InvariantCulture))
            .Append(" rows read, ").Append(s.Columns.Count).Append(" columns, separator '").Append(E(CsvSchemaInference.Printable(s.Separator)))
            .Append("', ").Append(s.HasHeader ? "with" : "without").Append(" a header line.</p>");
        h.Append("<table><tr><th>Column</th><th>Used as</th><th>Why</th><th>Distinct</th><th>Missing</th><th>Summary</th></tr>");
        foreach (var col in s.Columns)
        {
            var used = col.Name == c.Task.LabelColumn ? "label" : col.Kind.ToString();
            var summary = col.Numbers is { } n ? $"mean {F(n.Mean)}, min {F(n.Min)}, max {F(n.Max)}"
                : string.Join(", ", col.TopValues.Take(4).Select(v => $"{v.Value} ({v.Count:N0})"));
            h.Append("<tr><td>").Append(E(col.Name)).Append("</td><td>").Append(E(used)).Append("</td><td>").Append(E(col.Reason))
                .Append("</td><td class=\"n\">").Append(col.Distinct.ToString("N0", CultureInfo.InvariantCulture)).Append("</td><td class=\"n\">")
                .Append(col.Missing.ToString("N0", CultureInfo.InvariantCulture)).Append("</td><td>").Append(E(summary)).Append("</td></tr>");
        }
        h.Append("</table></section>\n");
    }

    private static void Leaderboard(StringBuilder h, ReportContent c)
    {
        var metric = c.Task.MainMetric;
        h.Append("<section id=\"leaderboard\"><h2>Trial leaderboard</h2><p>Ranked by validation ").Append(E(metric))
            .Append(" (").Append(E(c.Selection)).Append("); the chosen model is marked.</p><table><tr><th>Rank</th><th>Trial</th><th>Family</th><th>Settings</th><th>State</th><th>Validation ")
            .Append(E(metric)).Append("</th><th>Seconds</th><th>Epochs</th></tr>");
        var ranked = c.Trials.OrderBy(t => t.State != TrialState.Completed).ThenByDescending(t => double.IsNaN(t.ValidationMetric) ? double.MinValue : t.ValidationMetric).ToList();
        for (var i = 0; i < ranked.Count; i++)
        {
            var t = ranked[i];
            if (i == LeaderboardRows && ranked.Count > LeaderboardRows + 5)
                h.Append("</table><details><summary>").Append(ranked.Count - LeaderboardRows).Append(" more trials</summary><table>");
            h.Append(t.Number == c.Best.Number ? "<tr class=\"best\">" : "<tr>").Append("<td class=\"n\">").Append(t.State == TrialState.Completed ? (i + 1).ToString(CultureInfo.InvariantCulture) : "–")
                .Append("</td><td class=\"n\">").Append(t.Number).Append("</td><td>").Append(E(t.Family + (t.IsBaseline ? " (baseline)" : "")))
                .Append("</td><td>").Append(E(t.Description)).Append("</td><td>").Append(E(t.State == TrialState.Failed ? $"failed: {t.Error}" : t.State.ToString()))
                .Append("</td><td class=\"n\">").Append(t.State == TrialState.Completed ? F(t.ValidationMetric) : "–").Append("</td><td class=\"n\">")
                .Append(t.Seconds.ToString("F1", CultureInfo.InvariantCulture)).Append("</td><td class=\"n\">").Append(t.Curve.Count == 0 ? "" : t.Curve.Count.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>");
        }
        h.Append(ranked.Count > LeaderboardRows + 5 ? "</table></details>" : "</table>");
        Image(h, ReportCharts.Leaderboard(c.Trials, metric), $"Validation {metric} of each trial");
        if (c.Trials.Any(t => t.Curve.Count > 0))
        {
            h.Append("<h3>Learning curves</h3><p>Per epoch: training loss (solid) and the loss on the trainer's early-stopping split, 10 % of its rows (dashed); the ")
                .Append(ReportCharts.CurveTrials).Append(" DeepML trials with the best selection metric.</p>");
            Image(h, ReportCharts.LearningCurves(c.Trials), "Training and validation loss per epoch of each DeepML trial");
        }
        h.Append("</section>\n");
    }

    private static void TestMetrics(StringBuilder h, ReportContent c)
    {
        h.Append("<section id=\"test\"><h2>Held-out test split</h2><table><tr><th>Metric</th><th>Chosen model</th>");
        if (c.BaselineTest is not null)
            h.Append("<th>Default FastTree</th>");
        h.Append("</tr>");
        foreach (var (name, value) in c.Test.Metrics)
        {
            h.Append("<tr><td>").Append(E(name)).Append("</td><td class=\"n\">").Append(F(value)).Append("</td>");
            if (c.BaselineTest is { } b)
                h.Append("<td class=\"n\">").Append(F(b[name])).Append("</td>");
            h.Append("</tr>");
        }
        h.Append("</table>");
        if (c.Task.Task == TaskKind.Binary)
        {
            h.Append("<div class=\"grid\">");
            Image(h, ReportCharts.Roc(c.Test.Binary, c.Test["auc"]), "ROC curve");
            Image(h, ReportCharts.PrecisionRecall(c.Test.Binary, c.Test["auprc"]), "Precision-recall curve");
            Image(h, ReportCharts.Calibration(c.Test.Binary), "Calibration curve");
            h.Append("</div>");
        }
        if (c.Test.Confusion.Length > 0)
            Confusion(h, c.Test);
        if (c.Task.Task == TaskKind.Regression)
            Image(h, ReportCharts.PredictedVsActual(c.Test.Regression), "Predicted against actual values");
        h.Append("</section>\n");
    }

    private static void Confusion(StringBuilder h, Evaluation test)
    {
        var max = Math.Max(1, test.Confusion.Max(r => r.Max()));
        h.Append("<h3>Confusion matrix</h3><table class=\"confusion\"><tr><th>true \\ predicted</th>");
        foreach (var name in test.Classes)
            h.Append("<th>").Append(E(name)).Append("</th>");
        h.Append("</tr>");
        for (var i = 0; i < test.Confusion.Length; i++)
        {
            h.Append("<tr><th>").Append(E(test.Classes[i])).Append("</th>");
            foreach (var count in test.Confusion[i])
            {
                var alpha = (count / max * 0.85).ToString("F2", CultureInfo.InvariantCulture);
                h.Append("<td class=\"n\" style=\"background:rgba(70,130,180,").Append(alpha).Append(")\">").Append(count.ToString("N0", CultureInfo.InvariantCulture)).Append("</td>");
            }
            h.Append("</tr>");
        }
        h.Append("</table>");
    }

    private static void Importance(StringBuilder h, ReportContent c)
    {
        if (c.Importance is not { } importance)
            return;
        h.Append("<section id=\"importance\"><h2>Feature importance</h2><p>Mean |SHAP value| per original column (").Append(E(importance.Method))
            .Append(", one-hot and hashed slots of a column kept together), on test rows, in units of the model's score.</p>");
        Image(h, ReportCharts.Importance(importance.Features, "Global importance: mean |SHAP value|", "mean |SHAP value|"), "Feature importance");
        if (c.ShapSummaryPng is { } summary)
            Image(h, summary, "SHAP summary plot");
        h.Append("</section>\n");
    }

    private static void Fairness(StringBuilder h, ReportContent c)
    {
        if (c.Fairness is not { } fairness)
            return;
        var m = fairness.Metrics;
        h.Append("<section id=\"fairness\"><h2>Fairness by ").Append(E(string.Join(", ", m.SensitiveColumnNames))).Append("</h2><table><tr><th>Metric</th><th>Overall</th>");
        foreach (var g in m.Groups)
            h.Append("<th>").Append(E(g.Name)).Append("</th>");
        h.Append("<th>Difference</th><th>Ratio</th></tr>");
        foreach (var metric in m.Metrics)
        {
            h.Append("<tr><td>").Append(E(metric.Name)).Append("</td><td class=\"n\">").Append(F(metric.Overall)).Append("</td>");
            foreach (var v in metric.ByGroup)
                h.Append("<td class=\"n\">").Append(F(v)).Append("</td>");
            h.Append("<td class=\"n\">").Append(F(metric.Difference())).Append("</td><td class=\"n\">").Append(F(metric.Ratio())).Append("</td></tr>");
        }
        h.Append("</table><table class=\"kv\">");
        foreach (var name in m.MeasureNames)
            Row(h, name, F(m.Measure(name)));
        h.Append("</table><div class=\"grid\">");
        foreach (var chart in fairness.Charts)
            Image(h, chart, "Fairness metric by group");
        h.Append("</div></section>\n");
    }

    private static void Row(StringBuilder h, string key, string value) =>
        h.Append("<tr><th>").Append(E(key)).Append("</th><td>").Append(E(value)).Append("</td></tr>");

    private static void Image(StringBuilder h, byte[] png, string alt) =>
        h.Append("<figure><img alt=\"").Append(E(alt)).Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(png)).Append("\"></figure>");

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string F(double value) => double.IsNaN(value) ? "undefined" : value.ToString("0.####", CultureInfo.InvariantCulture);

    private const string Style =
        "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:1180px;color:#222;padding:0 1em}" +
        "h1{border-bottom:3px solid steelblue;padding-bottom:.3em}h2{margin-top:2em;border-bottom:1px solid #ccc}" +
        "table{border-collapse:collapse;margin:1em 0;font-size:.92em}th,td{border:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:top}" +
        "th{background:#f3f6f9}td.n{text-align:right;font-variant-numeric:tabular-nums}tr.best td{background:#fff6d5;font-weight:600}" +
        "table.kv th{width:16em}figure{margin:1em 0}img{max-width:100%;border:1px solid #eee}" +
        ".grid{display:flex;flex-wrap:wrap;gap:1em}.grid figure{flex:0 1 calc(33% - 1em);min-width:300px}.grid img{width:100%}footer{margin-top:3em;color:#777;font-size:.85em}";
}
