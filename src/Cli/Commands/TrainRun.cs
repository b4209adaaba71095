using System.Diagnostics;
using DeepML.Cli.Data;
using DeepML.Cli.Featurization;
using DeepML.Cli.Output;
using DeepML.Cli.Report;
using DeepML.Cli.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Cli.Commands;

/// <summary>What <c>deepml train</c> was asked to do.</summary>
internal sealed record TrainSettings
{
    public required string Dataset { get; init; }

    public required string Label { get; init; }

    public TaskKind? Task { get; init; }

    public TimeSpan Budget { get; init; } = TimeSpan.FromMinutes(5);

    public string Output { get; init; } = "deepml-output";

    public IReadOnlyList<string> Sensitive { get; init; } = [];

    public IReadOnlyList<string> Ignore { get; init; } = [];

    /// <summary>When given, only these columns are features.</summary>
    public IReadOnlyList<string> Features { get; init; } = [];

    public string Device { get; init; } = "cpu";

    public string? TestDataset { get; init; }

    public double TestFraction { get; init; } = 0.2;

    public string? PositiveClass { get; init; }

    public int Seed { get; init; } = 1;

    public bool? HasHeader { get; init; }

    public char? Separator { get; init; }

    /// <summary>Below this many training rows candidates are cross-validated; 0 never.</summary>
    public int CrossValidationRows { get; init; } = Selection.CrossValidationRows;

    /// <summary>Test rows explained for the SHAP section (0 skips it).</summary>
    public int ExplainRows { get; init; } = 100;
}

/// <summary>
/// <c>deepml train</c> from top to bottom: infer the columns, prepare the label, split off a test
/// set, search models within the budget, evaluate the best (and the default FastTree) on the test
/// split, then write the model zip, its description, the ONNX file, a C# snippet and the report.
/// </summary>
internal static class TrainRun
{
    public static int Execute(TrainSettings s, CliConsole console, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        RequireDevice(s.Device);
        var ml = new MLContext(seed: s.Seed);
        var data = Prepare(ml, s, console);
        Directory.CreateDirectory(s.Output);
        var studyPath = Path.Combine(s.Output, "study.db");
        var search = Search(ml, s, data, studyPath, console, cancel);
        var best = search.Best ?? throw new CliException(ExitCodes.BudgetExhausted,
            $"--time: no model finished within {s.Budget.TotalSeconds:F0} s ({string.Join("; ", search.Trials.Select(t => $"{t.Family}: {t.Error ?? t.State.ToString()}"))}). Give a larger budget.");

        console.Line($"best: trial {best.Trial.Number} {best.Trial.Family} ({best.Trial.Description}); scoring the test split");
        var test = TaskMetrics.Evaluate(ml, data.Task, best.Fitted.Transform(data.Test));
        var baseline = search.Baseline is { } b && b != best ? TaskMetrics.Evaluate(ml, data.Task, b.Fitted.Transform(data.Test)) : search.Baseline is null ? null : test;
        var artifacts = ArtifactWriter.Write(ml, s, data.Schema, data.Task, search, data.InputSchema, data.Test);
        var insights = ReportInsights.Compute(ml, s, data.Task, data.Features, best, data.Training, data.Test, console);
        var reportPath = Path.Combine(s.Output, "report.html");
        HtmlReport.Write(new ReportContent
        {
            DatasetPath = s.Dataset, Schema = data.Schema, Task = data.Task, Rows = data.Rows, Trials = search.Trials, Best = best.Trial,
            Selection = data.Selection.Description, Tuning = search.TuningDescription, Test = test, BaselineTest = baseline,
            Budget = s.Budget, Elapsed = clock.Elapsed, Seed = s.Seed,
            Importance = insights.Importance, ShapSummaryPng = insights.ShapSummary, Fairness = insights.Fairness,
            Artifacts = artifacts.Files, Limitations = Limitations(s, data.Task, best, artifacts, data.Selection.Description),
        }, reportPath);

        foreach (var file in artifacts.Files.Append(reportPath).Concat(File.Exists(studyPath) ? [studyPath] : []))
            console.Line($"wrote {file}");
        PrintValues(console, data.Task, search, best, test, baseline, clock.Elapsed, artifacts.Model, reportPath);
        return ExitCodes.Success;
    }

    /// <summary>The training file read and typed, its label prepared, the test split and the model-selection scheme.</summary>
    private sealed record PreparedData(DatasetSchema Schema, TaskDescription Task, FeaturePipeline Features, DataViewSchema InputSchema,
        IDataView Training, IDataView Test, Selection Selection, (long Train, long Validation, long Test, long Dropped) Rows);

    private static PreparedData Prepare(MLContext ml, TrainSettings s, CliConsole console)
    {
        var schema = CsvSchemaInference.Infer(s.Dataset, s.HasHeader, s.Separator);
        var task = TaskDescription.Infer(schema, s.Label, s.Task, s.PositiveClass);
        schema = Exclude(schema, task, s);
        var features = FeaturePipeline.For(schema);
        console.Line($"{Path.GetFileName(s.Dataset)}: {schema.Rows:N0} rows, {schema.Columns.Count} columns ({features.Columns.Count} features); task {task.Task}, label '{task.LabelColumn}'" +
            (task.PositiveClass is null ? "" : $" (positive class '{task.PositiveClass}')"));
        foreach (var column in schema.Columns)
            console.Line($"  {column.Name}: {(column.Name == task.LabelColumn ? "label" : column.Kind.ToString())} ({column.Reason})");

        var raw = DatasetLoader.Load(ml, s.Dataset, schema, task);
        var prepared = LabelPreparation.Apply(ml, raw, task);
        IDataView training, test;
        if (s.TestDataset is { } testPath)
            (training, test) = (prepared, LabelPreparation.Apply(ml, DatasetLoader.Load(ml, testPath, DatasetLayout.Match(schema, task, testPath, requireLabel: true), task), task));
        else
        {
            var split = ml.Data.TrainTestSplit(prepared, s.TestFraction, seed: s.Seed);
            (training, test) = (split.TrainSet, split.TestSet);
        }
        var selection = Selection.For(ml, task, training, s.Seed, s.CrossValidationRows);
        test = ml.Data.Cache(test);
        var testRows = LabelPreparation.Count(test);
        // The rows with a usable label are the training rows, plus the test rows when they came from the same file.
        var usable = selection.Rows.Train + selection.Rows.Validation + (s.TestDataset is null ? testRows : 0);
        var rows = (selection.Rows.Train, selection.Rows.Validation, Test: testRows, Dropped: LabelPreparation.Count(raw) - usable);
        RequireRows(rows, task);
        console.Line($"rows: {rows.Train + rows.Validation:N0} training, {rows.Test:N0} test, {rows.Dropped:N0} dropped (label missing or unknown); model selection by {selection.Description}");
        return new PreparedData(schema, task, features, raw.Schema, training, test, selection, rows);
    }

    /// <summary>The budgeted search, one line per trial (and a spinner on a terminal).</summary>
    private static ModelSearch Search(MLContext ml, TrainSettings s, PreparedData data, string studyPath, CliConsole console, CancellationToken cancel)
    {
        var search = new ModelSearch(ml, data.Task, data.Features, s.Device);
        console.WithStatus($"searching for {s.Budget.TotalSeconds:F0} s", status =>
        {
            search.Run(data.Selection, s.Budget, s.Seed, studyPath, new Inline<SearchProgress>(p =>
            {
                var t = p.Trial;
                var result = t.State switch
                {
                    TrialState.Completed => $"{data.Task.MainMetric} {t.ValidationMetric:F4}",
                    TrialState.Failed => $"failed: {t.Error}",
                    TrialState.Pruned => $"pruned after {t.Curve.Count} epochs",
                    _ => "out of time",
                };
                console.Line($"trial {t.Number} {t.Family} ({t.Description}): {result}, {t.Seconds:F1} s");
                status($"{p.Elapsed.TotalSeconds:F0} / {p.Budget.TotalSeconds:F0} s; best so far: {p.Best?.Family} {p.Best?.ValidationMetric:F4}");
            }), cancel);
            return 0;
        });
        return search;
    }

    /// <summary>The closing <c>name: value</c> lines.</summary>
    private static void PrintValues(CliConsole console, TaskDescription task, ModelSearch search, TrainedModel best, Evaluation test, Evaluation? baseline,
        TimeSpan elapsed, string model, string report)
    {
        console.Value("best_model", best.Trial.Family);
        console.Value("best_trial", best.Trial.Number);
        console.Value(task.MainMetric, test[task.MainMetric]);
        foreach (var (name, value) in test.Metrics.Skip(1))
            console.Value(name, value);
        if (baseline is not null)
            console.Value($"fasttree_default_{task.MainMetric}", baseline[task.MainMetric]);
        console.Value("trials", search.Trials.Count);
        console.Value("trials_completed", search.Trials.Count(t => t.State == TrialState.Completed));
        console.Value("trials_pruned", search.Trials.Count(t => t.State == TrialState.Pruned));
        console.Value("seconds", elapsed.TotalSeconds);
        console.Value("model", model);
        console.Value("report", report);
    }

    /// <summary>The label and the --ignore columns become Ignored, with the reason.</summary>
    private static DatasetSchema Exclude(DatasetSchema schema, TaskDescription task, TrainSettings s)
    {
        var ignored = s.Ignore.Select(name => schema.Find(name, "--ignore").Name).ToHashSet();
        var only = s.Features.Select(name => schema.Find(name, "--features").Name).ToHashSet();
        foreach (var name in s.Sensitive)
            schema.Find(name, "--sensitive");
        return schema with
        {
            Columns = [.. schema.Columns.Select(c =>
                c.Name == task.LabelColumn ? c with { Kind = ColumnKind.Ignored, Reason = "the label" }
                : ignored.Contains(c.Name) ? c with { Kind = ColumnKind.Ignored, Reason = "excluded by --ignore" }
                : only.Count > 0 && !only.Contains(c.Name) ? c with { Kind = ColumnKind.Ignored, Reason = "not listed in --features" }
                : c)],
        };
    }

    /// <summary>A CUDA device that is not there fails before the budget is spent, not once per network trial.</summary>
    private static void RequireDevice(string device)
    {
        if (device == "cpu")
            return;
        try
        {
            TorchRuntime.ResolveDevice(device);
        }
        catch (InvalidOperationException e)
        {
            throw new CliException(ExitCodes.BadInput, $"--device: {e.Message}", e);
        }
    }

    private static void RequireRows((long Train, long Validation, long Test, long Dropped) rows, TaskDescription task)
    {
        if (rows.Train + rows.Validation < 20 || rows.Test < 2)
            throw new CliException(ExitCodes.BadInput, $"--dataset: after dropping {rows.Dropped:N0} rows without a usable label, {rows.Train + rows.Validation} training and {rows.Test} test rows remain; " +
                $"at least 20 and 2 are needed. Check the values of label column '{task.LabelColumn}'.");
    }

    private static IReadOnlyList<string> Limitations(TrainSettings s, TaskDescription task, TrainedModel best, ArtifactWriter.Result artifacts, string selection)
    {
        var notes = new List<string>
        {
            $"Chosen by {task.MainMetric} under {selection}; the test split was used once, for the figures above.",
            "The metrics describe data like the training file; rows from another population, time or place can score worse, and the model learns whatever biases the data hold.",
            "Columns were typed automatically (see the data summary); a column typed wrongly (an identifier read as a number, a code read as text) should be fixed with --ignore or by editing the file.",
        };
        if (s.Sensitive.Count == 0)
            notes.Add("No sensitive column was given (--sensitive), so no fairness assessment was made.");
        if (artifacts.Onnx is null)
            notes.Add("No ONNX file: no DeepML network finished within the budget.");
        else if (best.Trial.Family != "DeepML")
            notes.Add($"The ONNX file holds the best DeepML network (trial {artifacts.OnnxTrial}), not the chosen {best.Trial.Family} model: DeepML exports its own networks; tree ensembles are served from the model zip.");
        return notes;
    }

    /// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread.</summary>
    private sealed class Inline<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
