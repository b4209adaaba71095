using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Fairness;

/// <summary>
/// Builds the built-in chain that scores an ExponentiatedGradient mixture: each predictor's
/// transformer followed by a copy of its PredictedLabel; a running sum P = Σ Q(h)·h(x) in Expression
/// steps of two inputs each; the seeded draw; Score = Probability = P and PredictedLabel = 1[P &gt; u].
/// </summary>
internal static class ExponentiatedGradientChain
{
    private const string Prefix = "__deepml_eg_";

    public static ITransformer Build(MLContext ml, (ITransformer? Model, byte Constant, double Weight)[] members, int seed, IDataView input)
    {
        var steps = new List<ITransformer>();
        var data = input;
        void Add(ITransformer t)
        {
            steps.Add(t);
            data = t.Transform(data);
        }
        void Fit(IEstimator<ITransformer> e) => Add(e.Fit(data));

        var constant = members.Where(m => m.Model is null).Sum(m => m.Weight * m.Constant);
        var models = members.Where(m => m.Model is not null).ToArray();
        if (models.Length == 0)
            throw new InvalidOperationException($"ExponentiatedGradient: every predictor in the mixture is constant (P(ŷ=1) = {constant}); expected at least one fitted model. Loosen DifferenceBound or check that the features carry signal.");
        var temps = new List<string>();
        string? sum = null;
        for (var k = 0; k < models.Length; k++)
        {
            Add(models[k].Model!);
            var h = $"{Prefix}h{k}";
            Fit(ml.Transforms.CopyColumns(h, "PredictedLabel"));
            temps.Add(h);
            if (k == 0)
            {
                Fit(ml.Transforms.CopyColumns(Prefix + "s", "Score"));
                temps.Add(Prefix + "s");
            }
            var q = ExpressionText.Number(models[k].Weight);
            var next = $"{Prefix}p{k}";
            Fit(sum is null
                ? ml.Transforms.Expression(next, $"h => float({ExpressionText.Number(constant)} + {q} * (h ? 1.0 : 0.0))", h)
                : ml.Transforms.Expression(next, $"(a, h) => float(a + {q} * (h ? 1.0 : 0.0))", sum, h));
            temps.Add(next);
            sum = next;
        }
        Fit(RandomDraw.Append(ml, Prefix + "s", Prefix + "u", seed));
        temps.Add(Prefix + "u");
        Fit(ml.Transforms.Expression("Score", "p => p", sum!));
        Fit(ml.Transforms.Expression("Probability", "p => p", sum!));
        Fit(ml.Transforms.Expression("PredictedLabel", "(p, u) => p > u", "Probability", Prefix + "u"));
        Fit(ml.Transforms.DropColumns([.. temps]));
        return new TransformerChain<ITransformer>([.. steps]);
    }

    /// <summary>
    /// The regression mixture: each predictor's transformer followed by a copy of its Score, the running
    /// sum Σ Q(h)·h(x) in Expression steps of two inputs each, and Score = that sum (the expected value
    /// of the randomised mixture, which is what Fairlearn's <c>predict</c> returns for regression).
    /// </summary>
    public static ITransformer BuildRegression(MLContext ml, (ITransformer Model, double Weight)[] members, IDataView input)
    {
        var steps = new List<ITransformer>();
        var data = input;
        void Fit(IEstimator<ITransformer> e)
        {
            var t = e.Fit(data);
            steps.Add(t);
            data = t.Transform(data);
        }
        var temps = new List<string>();
        string? sum = null;
        for (var k = 0; k < members.Length; k++)
        {
            steps.Add(members[k].Model);
            data = members[k].Model.Transform(data);
            var h = $"{Prefix}h{k}";
            Fit(ml.Transforms.CopyColumns(h, "Score"));
            var q = ExpressionText.Number(members[k].Weight);
            var next = $"{Prefix}p{k}";
            Fit(sum is null
                ? ml.Transforms.Expression(next, $"h => float({q} * double(h))", h)
                : ml.Transforms.Expression(next, $"(a, h) => float(double(a) + {q} * double(h))", sum, h));
            temps.Add(h);
            temps.Add(next);
            sum = next;
        }
        Fit(ml.Transforms.Expression("Score", "p => p", sum!));
        Fit(ml.Transforms.DropColumns([.. temps]));
        return new TransformerChain<ITransformer>([.. steps]);
    }
}
