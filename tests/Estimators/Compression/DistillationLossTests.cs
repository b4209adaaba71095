using Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepML.Estimators.Tests.Compression;

/// <summary>The soft loss against closed forms computed in double precision here.</summary>
public sealed class DistillationLossTests
{
    public DistillationLossTests() => TorchRuntime.EnsureLoaded();

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    [Fact]
    public void Binary_soft_loss_is_the_weighted_mean_Bernoulli_KL_of_the_softened_logits()
    {
        double[] s = [2.0, -1.0, 0.5], t = [0.3, -3.0, 4.0], w = [1, 2, 0.5];
        const double T = 2.5;
        double expected = 0, weights = 0;
        for (var i = 0; i < 3; i++)
        {
            double p = Sigmoid(t[i] / T), q = Sigmoid(s[i] / T);
            expected += w[i] * (p * Math.Log(p / q) + (1 - p) * Math.Log((1 - p) / (1 - q)));
            weights += w[i];
        }
        expected /= weights;
        using var scope = NewDisposeScope();
        var soft = DistillationLoss.Soft(PredictionKind.BinaryClassification, tensor(s.Select(v => (float)v).ToArray(), [3, 1]),
            tensor(t.Select(v => (float)v).ToArray(), [3, 1]), T, tensor(w.Select(v => (float)v).ToArray()));
        Assert.Equal(expected, soft.item<float>(), 6);
    }

    [Fact]
    public void Multiclass_soft_loss_is_the_KL_of_tempered_softmaxes_and_zero_for_logits_shifted_by_a_constant()
    {
        double[][] s = [[1, 2, 3], [0, 0, -2]], t = [[3, 1, 0], [1, 1, 1]];
        const double T = 3;
        double expected = 0;
        for (var i = 0; i < 2; i++)
        {
            var p = Softmax(t[i].Select(v => v / T).ToArray());
            var q = Softmax(s[i].Select(v => v / T).ToArray());
            expected += Enumerable.Range(0, 3).Sum(k => p[k] * Math.Log(p[k] / q[k])) / 2;
        }
        using var scope = NewDisposeScope();
        var ones = torch.ones(2);
        var soft = DistillationLoss.Soft(PredictionKind.MulticlassClassification, Tensor2(s), Tensor2(t), T, ones);
        Assert.Equal(expected, soft.item<float>(), 6);
        // softmax is shift-invariant: a student whose logits are the teacher's plus 5 has nothing left to learn.
        var same = DistillationLoss.Soft(PredictionKind.MulticlassClassification, Tensor2(t) + 5, Tensor2(t), T, ones);
        Assert.Equal(0, same.item<float>(), 6);
    }

    [Fact]
    public void Regression_soft_loss_is_the_weighted_mean_squared_difference()
    {
        using var scope = NewDisposeScope();
        var soft = DistillationLoss.Soft(PredictionKind.Regression, tensor(new[] { 1f, 4f }, [2, 1]), tensor(new[] { 3f, 3f }, [2, 1]), 1, tensor(new[] { 1f, 3f }));
        Assert.Equal((1 * 4 + 3 * 1) / 4.0, soft.item<float>(), 6);
    }

    private static double[] Softmax(double[] z)
    {
        var e = z.Select(v => Math.Exp(v - z.Max())).ToArray();
        return e.Select(v => v / e.Sum()).ToArray();
    }

    private static Tensor Tensor2(double[][] rows) => tensor(rows.SelectMany(r => r).Select(v => (float)v).ToArray(), [rows.Length, rows[0].Length]);
}
