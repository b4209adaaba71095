using Xunit;

namespace DeepML.Estimators.Tests.Compression.Pruning;

/// <summary>
/// Which tensors are prunable, on the spec alone: the weight matrices and kernels of every layer kind (dense, convolution,
/// attention projections, recurrent matrices, the output layer), embedding tables only on request, never biases, norms or buffers.
/// </summary>
public sealed class PrunableWeightsTests
{
    private static string[] Names(NetworkSpec spec, bool embeddings) => PrunableWeights.Candidates(spec, embeddings).Select(c => c.Name).ToArray();

    [Fact]
    public void A_transformer_prunes_its_projections_and_feed_forward_matrices_and_its_tokenizer_only_on_request()
    {
        var spec = Networks.FtTransformer(dimension: 8, blocks: 1, heads: 2).Bind(3, new DenseLayer(1));
        string[] matrices = ["1.attention.body.0.query.weight", "1.attention.body.0.key.weight", "1.attention.body.0.value.weight", "1.attention.body.0.output.weight",
            "1.ffn.body.1.weight", "1.ffn.body.4.weight", "5.weight"]; // not 1.ffn.body.0.weight nor 3.weight: layer norms
        Assert.Equal(matrices, Names(spec, false));
        Assert.Equal(["0.numeric_weight", .. matrices], Names(spec, true)); // not the class token or the numeric biases
    }

    [Fact]
    public void Recurrent_convolution_and_embedding_networks_prune_their_matrices_and_kernels_only()
    {
        Assert.Equal(["0.rnn.weight_ih_l0", "0.rnn.weight_hh_l0", "1.weight"], Names(Networks.Lstm(4).Bind(new TensorShape(5, 3), new DenseLayer(1)), false));
        var cnn = Networks.Cnn([4], [8]).Bind(new TensorShape(1, 8, 8), new DenseLayer(2)); // conv 0, batch norm 1, dense 5 and 8
        Assert.Equal(["0.weight", "5.weight", "8.weight"], Names(cnn, false));
        Assert.Equal([4, 1, 3, 3], PrunableWeights.Candidates(cnn, false)[0].Shape);
        var periodic = Networks.MlpWithEmbeddings([8]).Bind(3, new DenseLayer(1));
        Assert.Equal(["1.weight", "3.weight"], Names(periodic, false));
        Assert.Equal(["0.weight", "1.weight", "3.weight"], Names(periodic, true)); // its frequencies are no table
    }

    [Fact]
    public void The_report_of_an_unpruned_model_counts_every_tensor_and_flags_the_prunable_ones()
    {
        var spec = Networks.Mlp([2]).Bind(2, new DenseLayer(1));
        var weights = new NetworkWeights(spec, new Dictionary<string, WeightArray>
        {
            ["0.weight"] = new([0, 1, -0f, 2], [2, 2]),
            ["0.bias"] = new([0, 3], [2]),
            ["2.weight"] = new([4, 5], [1, 2]),
            ["2.bias"] = new([0], [1]),
        });
        var report = SparsityReport.Of(new NetworkModel(weights, PredictionKind.Regression, "Features"));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], report.Tensors.Select(t => t.Name));
        Assert.Equal([true, false, true, false], report.Tensors.Select(t => t.Prunable));
        Assert.Equal(2, report["0.weight"].Zeros); // 0 and −0
        Assert.Equal(0.5, report["0.weight"].Fraction);
        Assert.Equal((9, 4), (report.Count, report.Zeros));
        Assert.Equal((6, 2), (report.PrunableCount, report.PrunableZeros));
        Assert.Equal(2 / 6.0, report.PrunableFraction, 15);
        Assert.Contains("0.weight [2x2]: 2 of 4 zero (50.00 %)", report.ToString());
        Assert.Contains("prunable: 2 of 6 zero (33.33 %); all: 4 of 9 zero (44.44 %)", report.ToString());
        Assert.Throws<KeyNotFoundException>(() => report["1.weight"]);
    }
}
