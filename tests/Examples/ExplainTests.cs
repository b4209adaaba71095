namespace DeepML.Examples.Tests;

/// <summary>The explanations example on Adult, held to the guarantees of its issue.</summary>
public sealed class ExplainTests
{
    [Fact]
    public void TreeShapAgreesWithExactShapleyAndEveryMethodAddsUp()
    {
        var (figures, output) = ExampleRunner.Run("Explain", TimeSpan.FromMinutes(8));
        foreach (var name in new[] { "treeshap_rows_per_second", "kernelshap_rows_per_second", "treeshap_vs_exact_max_abs_diff", "kernelshap_vs_exact_max_abs_diff", "fasttree_auc", "deepml_auc" })
            Assert.True(figures.ContainsKey(name), $"Explain did not print '{name}: value'. Output:\n{output}");
        // Interventional TreeSHAP and exact Shapley values play the same game over the same background: equal up to
        // float rounding of the model's scores (exact reads them through ML.NET's float Score column).
        Assert.True(figures["treeshap_vs_exact_max_abs_diff"] < 1e-4, output);
        Assert.True(figures["treeshap_local_accuracy_gap"] < 1e-9, output);
        Assert.True(figures["deepml_local_accuracy_gap"] < 1e-6, output);
        // KernelSHAP's default budget (2M + 2,048 coalitions) estimates; the raw scores' attributions reach ±16 here.
        Assert.True(figures["kernelshap_vs_exact_max_abs_diff"] < 0.2, output);
        Assert.True(figures["fasttree_auc"] > 0.91 && figures["deepml_auc"] > 0.90, output);
        // LIME's surrogates are reported, not judged: an R² is in (0, 1] for a surrogate that explains anything at all.
        Assert.InRange(figures["lime_mean_r_squared"], 1e-3, 1.0);
        // The CNN part: integrated gradients of a ReLU/max-pool CNN's class probability is complete up to the path's kinks
        // (64 Gauss–Legendre steps; 1.4e-2 measured here); Grad-CAM and the pictures are drawn from the same network.
        Assert.True(figures["cnn_accuracy"] > 0.75, output);
        Assert.True(figures["ig_completeness_gap"] < 0.05, output);
        Assert.True(figures["ig_images_per_second"] > 0, output);
    }
}
