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
        // 90 % of every weight matrix is zero; the biases are not pruned, so slightly more than 10 % stays non-zero.
        Assert.InRange(figures["adult_magnitude_nonzero_fraction"], 0.10, 0.12);
        Assert.True(figures["adult_magnitude_zip_ratio"] < 0.6, output);     // zeros compress; the ONNX file keeps them
        Assert.True(figures["adult_structured_parameter_ratio"] < 0.45, output); // half the units of both hidden layers
        Assert.True(figures["fashion_structured_macs_ratio"] < 0.3, output);     // half the filters: ~¼ of the conv work
        var big = figures["adult_auc_big"];
        Assert.True(big > 0.90, output);
        foreach (var name in new[] { "adult_auc_magnitude_pruned", "adult_auc_structured", "adult_auc_small_distilled_fasttree", "adult_auc_small_distilled_big" })
            Assert.True(figures[name] > big - 0.01, $"{name} {figures[name]} vs {big}\n{output}");
        Assert.True(figures["fashion_accuracy_filters_halved"] > figures["fashion_accuracy_cnn"] - 0.05, output);
        // int8: a quarter of the float bytes for the weights; the metric within 0.01 AUC / 0.02 accuracy of the float model.
        Assert.True(figures["adult_int8_onnx_ratio"] < 0.35, output);
        Assert.True(figures["adult_auc_int8_dynamic"] > big - 0.01 && figures["adult_auc_int8_static"] > big - 0.01, output);
        Assert.True(figures["fashion_accuracy_int8_static"] > figures["fashion_accuracy_cnn"] - 0.02, output);
    }
}
