namespace DeepML.Fairness;

/// <summary>One predictor found by the oracle: its fitted model (null for a constant) and training predictions.</summary>
internal sealed record ReductionPredictor(object? Model, byte Constant, byte[] Predictions, double Error, double[] Gamma);

/// <summary>
/// Fairlearn's <c>_Lagrangian</c> (reductions/_exponentiated_gradient/_lagrangian.py) for the error
/// rate objective: L(Q, λ) = err(Q) + λ·(γ(Q) − ε); the best-response oracle relabels and reweighs
/// the rows and fits the trainer; the duality gap uses the best responses to 1, 2, 5 and 10 × λ̂.
/// </summary>
internal sealed class Lagrangian
{
    private const double Precision = 1e-8;
    private readonly byte[] _label;
    private readonly UtilityParityMoment _moment;
    private readonly double _bound, _b;
    private readonly Func<byte[], double[], object?> _fit;
    private readonly Func<object, byte[]> _predict;
    private readonly CancellationToken _ct;

    public Lagrangian(byte[] label, UtilityParityMoment moment, double bound, double b,
        Func<byte[], double[], object?> fit, Func<object, byte[]> predict, CancellationToken ct)
    {
        _label = label;
        _moment = moment;
        _bound = bound;
        _b = b;
        _fit = fit;
        _predict = predict;
        _ct = ct;
    }

    public List<ReductionPredictor> Predictors { get; } = [];

    public int OracleCalls { get; private set; }

    /// <summary>Best response to λ: fits a new predictor, keeps it when it beats every stored one.</summary>
    public int BestH(double[] lambda)
    {
        _ct.ThrowIfCancellationRequested();
        var constraintWeights = _moment.SignedWeights(lambda);
        var n = _label.Length;
        var redY = new byte[n];
        var redW = new double[n];
        double total = 0;
        for (var i = 0; i < n; i++)
        {
            var w = (2.0 * _label[i] - 1) + constraintWeights[i]; // ErrorRate's signed weight is 2y − 1 (unit costs)
            redY[i] = (byte)(w > 0 ? 1 : 0);
            redW[i] = Math.Abs(w);
            total += redW[i];
        }
        for (var i = 0; i < n; i++)
            redW[i] = total > 0 ? n * redW[i] / total : 1;
        byte constant = redY[0];
        var isConstant = redY.All(v => v == constant);
        OracleCalls++;
        var model = isConstant ? null : _fit(redY, redW);
        var predictions = model is null ? Enumerable.Repeat(constant, n).ToArray() : _predict(model);
        var h = new ReductionPredictor(model, constant, predictions, Error(predictions), _moment.Gamma(predictions));
        var value = h.Error + Dot(h.Gamma, lambda);
        var bestIndex = -1;
        var bestValue = double.PositiveInfinity;
        for (var k = 0; k < Predictors.Count; k++)
        {
            var v = Predictors[k].Error + Dot(Predictors[k].Gamma, lambda);
            if (v < bestValue)
                (bestValue, bestIndex) = (v, k);
        }
        if (value < bestValue - Precision)
        {
            Predictors.Add(h);
            return Predictors.Count - 1;
        }
        return bestIndex;
    }

    /// <summary>L, L_high of a distribution Q over the stored predictors.</summary>
    public (double L, double LHigh) Eval(double[] q, double[] lambda)
    {
        double error = 0;
        var gamma = new double[_moment.Count];
        for (var k = 0; k < q.Length; k++)
        {
            if (q[k] == 0)
                continue;
            error += q[k] * Predictors[k].Error;
            for (var j = 0; j < gamma.Length; j++)
                gamma[j] += q[k] * Predictors[k].Gamma[j];
        }
        double l = error, maxViolation = double.NegativeInfinity;
        for (var j = 0; j < gamma.Length; j++)
        {
            l += lambda[j] * (gamma[j] - _bound);
            maxViolation = Math.Max(maxViolation, gamma[j] - _bound);
        }
        return (l, maxViolation <= 0 ? error : error + _b * maxViolation);
    }

    /// <summary>The duality gap of (Q, λ̂): max(L − L_low, L_high − L).</summary>
    public double Gap(double[] q, double[] lambdaHat, double nu)
    {
        var (l, lHigh) = Eval(q, lambdaHat);
        var lLow = l;
        foreach (var mul in new[] { 1.0, 2.0, 5.0, 10.0 })
        {
            var h = BestH(lambdaHat.Select(x => x * mul).ToArray());
            var single = new double[Predictors.Count];
            single[h] = 1;
            lLow = Math.Min(lLow, Eval(single, lambdaHat).L);
            if (Math.Max(l - lLow, lHigh - l) > nu + Precision)
                break;
        }
        return Math.Max(l - lLow, lHigh - l);
    }

    public double[] Gamma(int h) => Predictors[h].Gamma;

    private double Error(byte[] prediction)
    {
        var wrong = 0;
        for (var i = 0; i < prediction.Length; i++)
            if (prediction[i] != _label[i])
                wrong++;
        return (double)wrong / prediction.Length;
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (var i = 0; i < a.Length; i++)
            s += a[i] * b[i];
        return s;
    }
}
