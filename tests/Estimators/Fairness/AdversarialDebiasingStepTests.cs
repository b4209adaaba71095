using DeepML;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DeepML.Estimators.Tests.Fairness;

/// <summary>
/// The step's two backward passes against an independent computation: g_P and g_A from separate
/// forward/backward passes, combined by hand in double precision, per parameter tensor.
/// </summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class AdversarialDebiasingStepTests
{
    public AdversarialDebiasingStepTests() => TorchRuntime.EnsureLoaded();

    private static readonly float[] X = [0.5f, -1f, 1.5f, 0.2f, -0.3f, 0.8f, 1.1f, -1.4f, 0.0f, 0.6f];
    private static readonly float[] Y = [1, 0, 1, 0, 1];
    private static readonly float[] S = [1, 1, 0, 0, 1];
    private static readonly float[] W = [1, 2, 1, 0.5f, 1];

    private static Tensor Weighted(Tensor perExample, Tensor w) => perExample.mul(w).sum().div(w.sum());

    /// <summary>Groups of the five rows for K = 3 (indices into three groups).</summary>
    private static readonly float[] S3 = [2, 0, 1, 2, 0];

    /// <summary>
    /// L_A by hand: for two groups the logistic loss of the single logit, for K groups
    /// −log softmax(logits)[group], from log_softmax and a one-hot mask (not F.cross_entropy).
    /// </summary>
    private static Tensor AdversaryLoss(Tensor logits, float[] groups, int k, Tensor w)
    {
        if (k == 2)
            return Weighted(F.binary_cross_entropy_with_logits(logits.squeeze(1), tensor(groups), reduction: nn.Reduction.None), w);
        var oneHot = new float[groups.Length * k];
        for (var i = 0; i < groups.Length; i++)
            oneHot[i * k + (int)groups[i]] = 1f;
        return Weighted(logits.log_softmax(1).mul(tensor(oneHot, [groups.Length, k])).sum(1).neg(), w);
    }

    [Theory]
    [InlineData(AdversarialObjective.DemographicParity, 0.0, 0, 2)]
    [InlineData(AdversarialObjective.DemographicParity, 0.7, 0, 2)]
    [InlineData(AdversarialObjective.EqualizedOdds, 1.3, 4, 2)]
    [InlineData(AdversarialObjective.DemographicParity, 0.7, 0, 3)]
    [InlineData(AdversarialObjective.EqualizedOdds, 1.3, 4, 3)]
    public void BackwardLeavesTheProjectedGradientInThePredictorAndTheAdversaryLossGradientInTheAdversary(AdversarialObjective objective, double alpha, int hidden, int groupCount)
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var net = nn.Sequential(("0", nn.Linear(2, 3)), ("1", nn.Tanh()), ("2", nn.Linear(3, 1)));
        var options = new AdversarialDebiasingOptions { SensitiveColumnName = "S", Alpha = alpha, Objective = objective, AdversaryHiddenUnits = hidden };
        using var step = new AdversarialDebiasingStep(options, groupCount == 2 ? ["F", "M"] : ["A", "B", "C"], net.parameters(), CPU);
        var groups = groupCount == 2 ? S : S3;
        var x = tensor(X, [5, 2]);
        var y = tensor(Y);
        var s = tensor(groups);
        var w = tensor(W);
        var parameters = net.parameters().ToArray();
        var adversaryParameters = step.Adversary.parameters().ToArray();

        // Independent: g_P from L_P alone, g_A and ∇_adv L_A from L_A alone, each on a fresh graph.
        net.zero_grad();
        Weighted(F.binary_cross_entropy_with_logits(net.call(x).squeeze(1), y, reduction: nn.Reduction.None), w).backward();
        var gP = parameters.Select(p => p.grad!.data<float>().Select(v => (double)v).ToArray()).ToArray();
        net.zero_grad();
        step.Adversary.zero_grad();
        var logits = step.Adversary.call(net.call(x).squeeze(1), y);
        Assert.Equal(new long[] { 5, groupCount == 2 ? 1 : groupCount }, logits.shape);   // one logit for two groups, one per group for more
        AdversaryLoss(logits, groups, groupCount, w).backward();
        var gA = parameters.Select(p => p.grad!.data<float>().Select(v => (double)v).ToArray()).ToArray();
        var gAdversary = adversaryParameters.Select(p => p.grad!.data<float>().ToArray()).ToArray();

        // The step, on one forward pass.
        net.zero_grad();
        var output = net.call(x);
        var loss = Weighted(F.binary_cross_entropy_with_logits(output.squeeze(1), y, reduction: nn.Reduction.None), w);
        step.Backward(loss, output, y, w, s, epoch: 1);

        for (var i = 0; i < parameters.Length; i++)
        {
            var norm = Math.Sqrt(gA[i].Sum(v => v * v)) + 1e-12;
            var dot = gP[i].Zip(gA[i], (a, b) => a * b / norm).Sum();
            var expected = gP[i].Select((v, k) => v - dot * gA[i][k] / norm - alpha * gA[i][k]).ToArray();
            var actual = parameters[i].grad!.data<float>().ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (var k = 0; k < actual.Length; k++)
                Assert.Equal(expected[k], actual[k], 5);
        }
        for (var i = 0; i < adversaryParameters.Length; i++)
        {
            var actual = adversaryParameters[i].grad!.data<float>().ToArray();
            Assert.Equal(gAdversary[i].Length, actual.Length);
            for (var j = 0; j < actual.Length; j++)
                Assert.Equal(gAdversary[i][j], actual[j], 6);   // the hand-written softmax loss may round differently from F.cross_entropy
        }
    }

    [Fact]
    public void DuringWarmUpThePredictorGetsThePlainGradient()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var net = nn.Sequential(("0", nn.Linear(2, 1)));
        using var step = new AdversarialDebiasingStep(new AdversarialDebiasingOptions { SensitiveColumnName = "S", WarmUpEpochs = 2 }, ["F", "M"], net.parameters(), CPU);
        var x = tensor(X, [5, 2]);
        var (y, s, w) = (tensor(Y), tensor(S), tensor(W));
        net.zero_grad();
        Weighted(F.binary_cross_entropy_with_logits(net.call(x).squeeze(1), y, reduction: nn.Reduction.None), w).backward();
        var plain = net.parameters().Select(p => p.grad!.data<float>().ToArray()).ToArray();

        net.zero_grad();
        var output = net.call(x);
        step.Backward(Weighted(F.binary_cross_entropy_with_logits(output.squeeze(1), y, reduction: nn.Reduction.None), w), output, y, w, s, epoch: 2);
        Assert.Equal(plain, net.parameters().Select(p => p.grad!.data<float>().ToArray()).ToArray());
        Assert.All(step.Adversary.parameters(), p => Assert.NotEqual(0f, p.grad!.abs().sum().item<float>())); // the adversary learns meanwhile
    }
}
