using System.Text.RegularExpressions;
using DeepML.Cli.Tests.Commands;
using DeepML.Testing;

namespace DeepML.Cli.Tests.Report;

/// <summary>The report of the shared German Credit run, opened in a real browser (Debian's headless Chromium).</summary>
[Collection(GermanCreditCollection.Name)]
public sealed class ReportBrowserTests(GermanCreditRun run)
{
    /// <summary>Where the screenshot of the last run is kept, to look at.</summary>
    public static readonly string Screenshot = Path.Combine(Path.GetTempPath(), "deepml-report-screenshot.png");

    [Fact]
    public void The_report_is_self_contained_and_has_every_section()
    {
        run.Train.Succeeded();
        var html = File.ReadAllText(Path.Combine(run.Output, "report.html"));
        Assert.DoesNotMatch(new Regex(@"(src|href)=""(https?:|//|file:)"), html); // nothing fetched
        Assert.DoesNotContain("<script", html);
        foreach (var section in new[] { "model-card", "data", "leaderboard", "test", "importance", "fairness" })
            Assert.Contains($"<section id=\"{section}\">", html);
        Assert.Contains("Default FastTree", html);
        Assert.Contains("<h2>Fairness by foreign</h2>", html);
        Assert.Contains("<tr><th>Files</th><td>model.zip, model.deepml.json, model.onnx, Predict.cs, report.html</td></tr>", html);
    }

    [ContractFact]
    public async Task Chromium_loads_the_report_without_errors_and_decodes_every_image()
    {
        ContractSkip.IfOptedOut(HeadlessChromium.Binary is null ? "Chromium is not installed here (.ci/run installs Debian's chromium); the report is not checked in a browser." : null, "report in a browser");
        run.Train.Succeeded();
        var report = Path.Combine(run.Output, "report.html");
        var expectedImages = Regex.Matches(File.ReadAllText(report), "<img ").Count;
        Assert.True(expectedImages >= 8, $"only {expectedImages} images"); // leaderboard, curves, ROC, PR, calibration, importance, SHAP, fairness charts
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var browser = await HeadlessChromium.OpenAsync(report, 1280, timeout.Token);
        var images = await browser.EvaluateAsync(
            "Promise.all([...document.images].map(i => i.decode().then(() => [i.naturalWidth, i.naturalHeight], () => [0, 0])))", timeout.Token);
        var sizes = images!.AsArray().Select(n => ((int)n![0]!, (int)n[1]!)).ToArray();
        Assert.Equal(expectedImages, sizes.Length);
        Assert.All(sizes, s => Assert.True(s.Item1 >= 300 && s.Item2 >= 150, $"an image decoded to {s.Item1}×{s.Item2}"));
        var title = (string?)await browser.EvaluateAsync("document.title", timeout.Token);
        Assert.Equal("DeepML report: train.csv", title);
        var bestRows = (int)(await browser.EvaluateAsync("document.querySelectorAll('#leaderboard tr.best').length", timeout.Token))!;
        Assert.Equal(1, bestRows);
        File.WriteAllBytes(Screenshot, await browser.ScreenshotAsync(timeout.Token));
        Assert.Empty(browser.Errors);
    }
}
