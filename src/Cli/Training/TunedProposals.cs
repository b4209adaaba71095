using DeepML.Tuning;

namespace DeepML.Cli.Training;

/// <summary>
/// The search space <c>deepml train</c> tunes with DeepML.Tuning's TPE after its fixed candidates: the family
/// (a DeepML MLP or LightGBM), then the family's settings, each conditional on the family. Networks: 1–3 layers
/// of 64–512 units (halving), dropout 0–0.4, AdamW learning rate 3e-4–1e-2 and weight decay 1e-6–1e-2 on a log
/// scale, batch size; LightGBM: 8–128 leaves and learning rate 0.02–0.3 on a log scale, 100–800 rounds, 5–50
/// rows per leaf.
/// </summary>
internal static class TunedProposals
{
    public static SearchSpace Space(long rows)
    {
        var network = ParameterCondition.When("family", "deepml");
        var tree = ParameterCondition.When("family", "lightgbm");
        string[] batches = rows < 2_000 ? ["32", "64", "128"] : ["128", "256", "512"];
        return new SearchSpace()
            .AddCategorical("family", ["deepml", "lightgbm"])
            .AddInteger("layers", 1, 3, condition: network)
            .AddInteger("width", 64, 512, log: true, condition: network)
            .AddFloat("dropout", 0.0, 0.4, condition: network)
            .AddFloat("learning_rate", 3e-4, 1e-2, log: true, condition: network)
            .AddFloat("weight_decay", 1e-6, 1e-2, log: true, condition: network)
            .AddCategorical("batch", batches, condition: network)
            .AddInteger("leaves", 8, 128, log: true, condition: tree)
            .AddFloat("tree_learning_rate", 0.02, 0.3, log: true, condition: tree)
            .AddInteger("rounds", 100, 800, step: 50, condition: tree)
            .AddInteger("rows_per_leaf", 5, 50, condition: tree);
    }

    /// <summary>The candidate a trial's parameters describe; a network trial reports its epochs to <paramref name="trial"/> (for the pruner).</summary>
    public static Candidate For(ParameterSet p, long rows, string device, Trial? trial)
    {
        if (p.Categorical("family") == "lightgbm")
            return new Candidate.LightGbm(p.Integer("leaves"), Math.Round(p.Float("tree_learning_rate"), 4), p.Integer("rounds"), p.Integer("rows_per_leaf"));
        var width = p.Integer("width");
        var hidden = Enumerable.Range(0, p.Integer("layers")).Select(i => Math.Max(32, width >> i)).ToArray();
        return new Candidate.Network(hidden, Math.Round(p.Float("dropout"), 2), p.Float("learning_rate"), p.Float("weight_decay"),
            int.Parse(p.Categorical("batch"), System.Globalization.CultureInfo.InvariantCulture), CandidateProposals.Epochs(rows), device) { Trial = trial };
    }
}
