namespace DeepML.Examples.Tests;

/// <summary>The serving example: export, bulk and single-row scoring, save, and both loaders agree exactly.</summary>
public sealed class OnnxServingTests
{
    [Fact]
    public void SavedAndReloadedModelsAgreeExactlyWithTheTrainedOne()
    {
        var (figures, output) = ExampleRunner.Run("OnnxServing", TimeSpan.FromMinutes(10));
        foreach (var loader in new[] { "plain_mlnet", "deepml_load" })
        {
            Assert.True(figures.TryGetValue($"{loader}_max_abs_score_diff", out var diff), $"missing {loader}_max_abs_score_diff.\n{output}");
            Assert.Equal(0, diff);
            Assert.Equal(0, figures[$"{loader}_label_disagreements"]);
        }
        Assert.Equal(0, figures["plain_prediction_engine_score_mismatches_of_2000"]);
        Assert.True(figures["test_auc"] >= 0.9, $"test_auc {figures["test_auc"]} < 0.9 after 8 epochs.\n{output}");
        Assert.True(figures["onnx_inputs"] > 100);
        Assert.Contains("deepml_load_last_step: NetworkScoringTransformer", output);
    }
}
