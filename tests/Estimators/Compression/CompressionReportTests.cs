using System.Text.Json;
using DeepML.Estimators.Tests.Compression.Pruning;
using DeepML.Estimators.Tests.Trainers;
using Microsoft.ML;
using Xunit;

namespace DeepML.Estimators.Tests.Compression;

/// <summary>The compression report's counts against closed forms, its metric against ML.NET's evaluator, and its outputs.</summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class CompressionReportTests
{
    [Fact]
    public void Counts_sizes_and_metrics_of_a_network_and_its_pruned_versions_come_from_one_run()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.CreditView(ml);
        using var fitted = ml.DeepML().BinaryClassification.NeuralNetwork(PruningTrainingTests.Small(4)).Fit(data);
        using var sparse = ml.DeepML().Compression.MagnitudePruning(fitted, new PruningOptions { FinalSparsity = 0.5 }, PruningTrainingTests.Small(1)).Fit(data);
        var smaller = ml.DeepML().Compression.PruneUnits(fitted.Model, new StructuredPruningOptions { Fraction = 0.5 });
        using var small = ml.DeepML().Onnx.LoadNetwork(OnnxExporter.Export(smaller.Model));
        var report = ml.DeepML().Compression.Report([("fitted", fitted), ("magnitude 50 %", sparse), ("half the units", small)], data);

        var (a, b, c) = (report.Entries[0], report.Entries[1], report.Entries[2]);
        // 7 → 32 → 16 → 1: weights and biases.
        Assert.Equal(7 * 32 + 32 + 32 * 16 + 16 + 16 + 1, a.Parameters);
        Assert.Equal(7 * 32 + 32 * 16 + 16, a.ForwardMultiplyAdds);
        Assert.Equal(7 * 16 + 16 * 8 + 8, c.ForwardMultiplyAdds);
        Assert.Equal(smaller.ParametersAfter, c.Parameters);
        // Magnitude pruning: ⌊0.5·n⌋ zeros in each weight matrix, biases untouched; the ONNX file keeps every zero.
        Assert.Equal(a.Parameters - (7 * 32 / 2 + 32 * 16 / 2 + 16 / 2), b.NonZeroParameters);
        Assert.Equal(a.OnnxBytes, b.OnnxBytes);
        Assert.True(b.ZipBytes < a.ZipBytes, $"zip {b.ZipBytes} vs {a.ZipBytes}");
        Assert.True(c.OnnxBytes < a.OnnxBytes);
        Assert.Equal(ml.BinaryClassification.Evaluate(fitted.Transform(data)).AreaUnderRocCurve, a.Metric, 12);
        Assert.Equal("AUC", a.MetricName);
        Assert.All(report.Entries, e => Assert.True(e.LatencyP50Milliseconds > 0 && e.RowsPerSecond > 0));

        Assert.Contains("half the units", report.ToTable(), StringComparison.Ordinal);
        var json = JsonSerializer.Deserialize<CompressionEntry[]>(report.ToJson())!;
        Assert.Equal(report.Entries, json);
        var folder = Path.Combine(Path.GetTempPath(), "deepml-compression-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var png in report.SavePngs(folder))
                Assert.Equal(0x89, File.ReadAllBytes(png)[0]); // PNG signature
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        var numeric = ml.Transforms.Conversion.ConvertType("Label", outputKind: Microsoft.ML.Data.DataKind.Single).Fit(data).Transform(data);
        using var regression = ml.DeepML().Regression.NeuralNetwork(PruningTrainingTests.Small(1)).Fit(numeric);
        Assert.Contains("solve different tasks", Assert.Throws<ArgumentException>(() => ml.DeepML().Compression.Report([("a", fitted), ("b", regression)], data)).Message, StringComparison.Ordinal);
    }
}
