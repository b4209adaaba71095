using DeepML.Estimators.Tests.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace DeepML.Estimators.Tests.Training;

/// <summary>ValidationMetrics, TaskLoss and ParameterOptimizer against independent computations.</summary>
public class TrainingInternalsTests
{
    public TrainingInternalsTests() => TorchRuntime.EnsureLoaded();

    private sealed class ScoredRow
    {
        public float Score { get; set; }
        public bool Label { get; set; }
        public bool PredictedLabel { get; set; }
    }

    [Fact]
    public void AucEqualsBruteForcePairCountWithTiesAsHalf()
    {
        var rng = new Random(3);
        var scores = Enumerable.Range(0, 300).Select(_ => (float)Math.Round(rng.NextDouble() * 20) / 4).ToArray(); // many ties
        var labels = scores.Select(s => rng.NextDouble() < 0.2 + s / 10 ? 1f : 0f).ToArray();
        double pairs = 0, wins = 0;
        for (var i = 0; i < scores.Length; i++)
            for (var j = 0; j < scores.Length; j++)
            {
                if (labels[i] != 1 || labels[j] != 0)
                    continue;
                pairs++;
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
            }
        Assert.Equal(wins / pairs, ValidationMetrics.Auc(scores, labels), 12);
        Assert.True(double.IsNaN(ValidationMetrics.Auc(scores, new float[scores.Length])));
    }

    [Fact]
    public void AucMatchesMlNetEvaluatorWithoutTies()
    {
        var rng = new Random(5);
        var scores = Enumerable.Range(0, 500).Select(_ => (float)rng.NextDouble()).ToArray();
        var labels = scores.Select(s => rng.NextDouble() < s).ToArray();
        var ml = new MLContext(1);
        var view = ml.Data.LoadFromEnumerable(scores.Select((s, i) => new ScoredRow { Score = s, Label = labels[i], PredictedLabel = s > 0.5f }));
        var metrics = ml.BinaryClassification.EvaluateNonCalibrated(view);
        Assert.Equal(metrics.AreaUnderRocCurve, ValidationMetrics.Auc(scores, labels.Select(l => l ? 1f : 0f).ToArray()), 6);
    }

    public static TheoryData<PredictionKind, LossKind> Losses => new()
    {
        { PredictionKind.BinaryClassification, LossKind.BinaryCrossEntropy },
        { PredictionKind.MulticlassClassification, LossKind.CrossEntropy },
        { PredictionKind.Regression, LossKind.MeanSquaredError },
        { PredictionKind.Regression, LossKind.Huber },
    };

    [Theory]
    [MemberData(nameof(Losses))]
    public void ManagedWeightedLossEqualsTorchSharpsLoss(PredictionKind task, LossKind kind)
    {
        var ml = new MLContext(1);
        var rng = new Random(11);
        var options = new NeuralNetworkOptions { ExampleWeightColumnName = "Weight" };
        var data = task switch
        {
            PredictionKind.BinaryClassification => TestData.CreditView(ml, 64, i => (float)rng.NextDouble() * 2),
            PredictionKind.MulticlassClassification => TestData.IrisView(ml, Enumerable.Range(0, 150).Where(i => i % 3 == 0), i => (float)rng.NextDouble() * 2),
            _ => TestData.DiabetesView(ml, Enumerable.Range(0, 64), i => (float)rng.NextDouble() * 2),
        };
        var schema = TrainingSchema.Resolve(data.Schema, options, task, "Test");
        var rows = TrainingData.Read(data, schema, task, null, "Test", "training", default);
        var outputsPerRow = task == PredictionKind.MulticlassClassification ? 3 : 1;
        var outputs = Enumerable.Range(0, rows.Rows * outputsPerRow).Select(_ => (float)(rng.NextDouble() * 6 - 3)).ToArray();
        var loss = new TaskLoss(task, kind, 0.7, schema.ClassCount);

        var managed = loss.WeightedLoss(outputs, rows);
        using var scope = NewDisposeScope();
        var target = task == PredictionKind.MulticlassClassification ? tensor(rows.Classes) : tensor(rows.Targets);
        var torchLoss = loss.Weighted(tensor(outputs).reshape(rows.Rows, outputsPerRow), target, tensor(rows.Weights)).item<float>();
        Assert.Equal(managed, torchLoss, 5e-6 * Math.Max(1, Math.Abs(managed)));
        Assert.True(managed > 0.05, $"A loss of {managed} on random outputs means the check compares nothing.");
    }

    /// <summary>Runs <paramref name="steps"/> optimizer steps on f(p) = ½·Σp² (gradient p) from p0.</summary>
    private static float[] Optimize(OptimizerKind kind, double lr, double decay, double momentum, float[] p0, int steps)
    {
        using var scope = NewDisposeScope();
        var p = new Parameter(tensor(p0));
        using var optimizer = new ParameterOptimizer([p], kind, lr, decay, momentum);
        for (var s = 0; s < steps; s++)
        {
            using (var g = p.grad)
                g?.zero_();
            var f = p.pow(2).sum() / 2;
            f.backward();
            optimizer.Step();
        }
        Assert.Equal(steps, optimizer.Steps);
        var result = p.detach().data<float>().ToArray();
        p.Dispose();
        return result;
    }

    /// <summary>Adam (Kingma &amp; Ba, Algorithm 1; PyTorch's form) in double precision.</summary>
    private static double[] AdamClosedForm(double[] p, double lr, double decay, bool decoupled, int steps) =>
        AdamClosedForm(p, Enumerable.Repeat(lr, steps).ToArray(), decay, decoupled);

    /// <summary>The same with rate <c>rates[t − 1]</c> at step t.</summary>
    private static double[] AdamClosedForm(double[] p, double[] rates, double decay, bool decoupled)
    {
        p = (double[])p.Clone();
        var m = new double[p.Length];
        var v = new double[p.Length];
        for (var t = 1; t <= rates.Length; t++)
        {
            var lr = rates[t - 1];
            for (var i = 0; i < p.Length; i++)
            {
                var g = p[i] + (decoupled ? 0 : decay * p[i]);
                if (decoupled)
                    p[i] *= 1 - lr * decay;
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                var mHat = m[i] / (1 - Math.Pow(0.9, t));
                var vHat = v[i] / (1 - Math.Pow(0.999, t));
                p[i] -= lr * mHat / (Math.Sqrt(vHat) + 1e-8);
            }
        }
        return p;
    }

    [Theory]
    [InlineData(OptimizerKind.Adam, 0.0)]
    [InlineData(OptimizerKind.Adam, 0.1)]
    [InlineData(OptimizerKind.AdamW, 0.1)]
    public void AdamMatchesTheClosedForm(OptimizerKind kind, double decay)
    {
        float[] p0 = [1f, -2f, 0.5f];
        foreach (var steps in new[] { 1, 2, 5 })
        {
            var actual = Optimize(kind, 0.1, decay, 0, p0, steps);
            var expected = AdamClosedForm(p0.Select(x => (double)x).ToArray(), 0.1, decay, kind == OptimizerKind.AdamW, steps);
            for (var i = 0; i < p0.Length; i++)
                Assert.Equal(expected[i], actual[i], 1e-6);
        }
        // Step 1 by hand: m̂ = g, v̂ = g², so p1 = p0 − lr·g/(|g| + ε) = 1 − 0.1 for p0 = 1 without decay.
        if (decay == 0)
            Assert.Equal(0.9, Optimize(kind, 0.1, 0, 0, [1f], 1)[0], 1e-6);
    }

    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void ANewRateEachStepKeepsTheMomentsAndMatchesTheClosedForm(OptimizerKind kind)
    {
        double[] rates = [0.02, 0.1, 0.05, 0.001];
        float[] p0 = [1f, -2f, 0.5f];
        using var scope = NewDisposeScope();
        var p = new Parameter(tensor(p0));
        using var optimizer = new ParameterOptimizer([p], kind, 0.5, 0.1, 0);
        var first = optimizer.FirstMoments[0];
        var second = optimizer.SecondMoments[0];
        foreach (var rate in rates)
        {
            using (var g = p.grad)
                g?.zero_();
            (p.pow(2).sum() / 2).backward();
            optimizer.LearningRate = rate;
            optimizer.Step();
        }
        Assert.Same(first, optimizer.FirstMoments[0]);      // the state lives on: no buffers reallocated
        Assert.Same(second, optimizer.SecondMoments[0]);
        var expected = AdamClosedForm(p0.Select(x => (double)x).ToArray(), rates, 0.1, kind == OptimizerKind.AdamW);
        var actual = p.detach().data<float>().ToArray();
        p.Dispose();
        for (var i = 0; i < p0.Length; i++)
            Assert.Equal(expected[i], actual[i], 1e-6);
        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.LearningRate = double.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.LearningRate = -1e-3);
    }

    [Fact]
    public void SgdWithMomentumMatchesTheClosedForm()
    {
        // g = p (+ λp). b1 = g1, p1 = p0 − lr·b1; b2 = μ·b1 + g2, p2 = p1 − lr·b2.
        double lr = 0.1, mu = 0.9, decay = 0.05, p = 2;
        double b = 0;
        for (var t = 0; t < 3; t++)
        {
            var g = p + decay * p;
            b = mu * b + g;
            p -= lr * b;
        }
        Assert.Equal(p, Optimize(OptimizerKind.Sgd, lr, decay, mu, [2f], 3)[0], 1e-6);
        Assert.Equal(2 - 0.1 * 2, Optimize(OptimizerKind.Sgd, 0.1, 0, 0, [2f], 1)[0], 1e-6);
    }
}
