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
        _ct.ThrowIfCancellationRequested(); // the trainer cannot be interrupted: stop right after it, not one call later
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

    private (int Count, double[] Q, double Gap)? _lastLinprog;

    /// <summary>
    /// Fairlearn's <c>solve_linprog</c>: the best mixture of the stored predictors (primal) and the
    /// best multipliers (dual), and the gap of that pair; cached while no predictor was added.
    /// Primal: min Σ err_h Q_h + B·s, Σ_h (γ_hj − ε) Q_h − s ≤ 0, Σ Q_h = 1. Dual: max μ,
    /// μ ≤ err_h + Σ_j λ_j (γ_hj − ε) for every h, Σ λ_j ≤ B, λ ≥ 0.
    /// </summary>
    public (double[] Q, double Gap)? SolveLinprog(double nu)
    {
        var count = Predictors.Count;
        if (_lastLinprog is { } last && last.Count == count)
            return (last.Q, last.Gap);
        var j = _moment.Count;
        var c = Predictors.Select(p => p.Error).Append(_b).ToArray();
        var a = new double[j + 1][];
        for (var k = 0; k < j; k++)
            a[k] = Predictors.Select(p => p.Gamma[k] - _bound).Append(-1.0).ToArray();
        a[j] = Enumerable.Repeat(1.0, count).Append(0.0).ToArray();
        var primal = Simplex.Minimize(c, a, new double[j + 1].Select((_, k) => k == j ? 1.0 : 0.0).ToArray(), Enumerable.Range(0, j + 1).Select(k => k == j).ToArray());
        var dualC = new double[j + 2];
        dualC[j] = -1;
        dualC[j + 1] = 1;
        var dualA = new double[count + 1][];
        for (var h = 0; h < count; h++)
            dualA[h] = Predictors[h].Gamma.Select(g => -(g - _bound)).Append(1.0).Append(-1.0).ToArray();
        dualA[count] = Enumerable.Repeat(1.0, j).Append(0.0).Append(0.0).ToArray();
        var dual = Simplex.Minimize(dualC, dualA, Predictors.Select(p => p.Error).Append(_b).ToArray(), new bool[count + 1]);
        if (primal is null || dual is null)
            return null;
        var q = primal[..count];
        var sum = q.Sum();
        q = q.Select(x => x / sum).ToArray();
        var gap = Gap(q, dual[..j], nu);
        _lastLinprog = (count, q, gap);
        return (q, gap);
    }

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
