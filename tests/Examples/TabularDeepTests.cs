namespace DeepML.Examples.Tests;

/// <summary>
/// examples/TabularDeep in its CI-sized configuration (8,000 training rows, 10 and 5 epochs), held to floors that the
/// CI run clears with a margin; the full-size targets (MLP-PLR ≥ 0.925, FT-Transformer ≥ 0.920) are for <c>--full</c>.
/// </summary>
public sealed class TabularDeepTests
{
    [Fact]
    public void CiSizedRunBothDeepModelsLearnAndStayNearFastTree()
    {
        var (figures, output) = ExampleRunner.Run("TabularDeep", TimeSpan.FromMinutes(5));
        foreach (var name in new[] { "mlp_embeddings_auc", "ft_transformer_auc", "fasttree_auc", "train_seconds", "mlp_embeddings_gap_to_fasttree", "ft_transformer_gap_to_fasttree" })
            Assert.True(figures.ContainsKey(name), $"TabularDeep did not print '{name}: value'. Output:\n{output}");
        Assert.Equal(8000, figures["train_rows"]);
        // Measured on this configuration: MLP-PLR 0.907, FT-Transformer 0.902, FastTree 0.916 (a constant model scores 0.5).
        Assert.True(figures["mlp_embeddings_auc"] >= 0.90, $"mlp_embeddings_auc {figures["mlp_embeddings_auc"]} < 0.90.\n{output}");
        Assert.True(figures["ft_transformer_auc"] >= 0.89, $"ft_transformer_auc {figures["ft_transformer_auc"]} < 0.89.\n{output}");
        Assert.True(figures["fasttree_auc"] - figures["mlp_embeddings_auc"] <= 0.02, output);
        Assert.Equal(figures["fasttree_auc"] - figures["ft_transformer_auc"], figures["ft_transformer_gap_to_fasttree"], 4);
        Assert.Contains("CLS attention in the last block:", output);
    }
}
