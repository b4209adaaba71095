namespace DeepML.Examples.Tests;

/// <summary>The compression example: every compressed model keeps its task's quality, and the sizes shrink as each method says.</summary>
public sealed class CompressionTests
{
    [Fact]
    public void PrunedAndDistilledModelsKeepTheirQualityAndShrinkAsExpected()
    {
        var (figures, output) = ExampleRunner.Run("Compression", TimeSpan.FromMinutes(8));
        foreach (var name in new[] { "adult_auc_big", "adult_auc_magnitude_pruned", "adult_auc_structured", "adult_auc_small_distilled_fasttree", "fashion_accuracy_filters_halved" })
            Assert.True(figures.ContainsKey(name), $"Compression did not print '{name}: value'. Output:\n{output}");
        // 80 % of every weight matrix is zero; the biases are not pruned, so slightly more than 20 % stays non-zero.
        Assert.InRange(figures["adult_magnitude_nonzero_fraction"], 0.20, 0.22);
        Assert.True(figures["adult_magnitude_zip_ratio"] < 0.6, output);     // zeros compress; the ONNX file keeps them
        Assert.True(figures["adult_structured_parameter_ratio"] < 0.45, output); // half the units of both hidden layers
        Assert.True(figures["fashion_structured_macs_ratio"] < 0.3, output);     // half the filters: ~¼ of the conv work
        var big = figures["adult_auc_big"];
        Assert.True(big > 0.90, output);
        foreach (var name in new[] { "adult_auc_magnitude_pruned", "adult_auc_structured", "adult_auc_small_distilled_fasttree", "adult_auc_small_distilled_big" })
            Assert.True(figures[name] > big - 0.01, $"{name} {figures[name]} vs {big}\n{output}");
        Assert.True(figures["fashion_accuracy_filters_halved"] > figures["fashion_accuracy_cnn"] - 0.05, output);
    }
}
