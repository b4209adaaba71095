namespace DeepML.Fairness;

/// <summary>
/// One predictor found by the oracle: its fitted model (null for a constant), its predictions on the
/// training rows (0/1 for classification, real values for regression), the objective (mean loss) and γ.
/// </summary>
internal sealed record ReductionPredictor(object? Model, double Constant, double[] Predictions, double Error, double[] Gamma);

/// <summary>
/// Fairlearn's <c>_Lagrangian</c> (reductions/_exponentiated_gradient/_lagrangian.py):
/// L(Q, λ) = err(Q) + λ·(γ(Q) − ε), where err is the objective (the error rate for classification,
/// the mean loss for bounded group loss). The best-response oracle (relabel and reweigh for
/// classification, reweigh for regression) is passed in; the duality gap uses the best responses to
/// 1, 2, 5 and 10 × λ̂.
/// </summary>
internal sealed class Lagrangian
{
    private const double Precision = 1e-8;
    private readonly int _constraints;
    private readonly double _bound, _b;
    private readonly Func<double[], ReductionPredictor> _oracle;
    private readonly CancellationToken _ct;

    /// <param name="constraints">The number of constraints (length of λ and γ).</param>
    /// <param name="bound">ε, the right-hand side of every constraint γ_j ≤ ε.</param>
    /// <param name="b">The L1 bound on λ (1/eps).</param>
    /// <param name="oracle">Fits the best response to λ and evaluates it on the training rows.</param>
    /// <param name="ct">Observed around every oracle call.</param>
    public Lagrangian(int constraints, double bound, double b, Func<double[], ReductionPredictor> oracle, CancellationToken ct)
    {
        _constraints = constraints;
        _bound = bound;
        _b = b;
        _oracle = oracle;
        _ct = ct;
    }

    public List<ReductionPredictor> Predictors { get; } = [];

    public int OracleCalls { get; private set; }

    /// <summary>Best response to λ: fits a new predictor, keeps it when it beats every stored one.</summary>
    public int BestH(double[] lambda)
    {
        _ct.ThrowIfCancellationRequested();
        OracleCalls++;
        var h = _oracle(lambda);
        _ct.ThrowIfCancellationRequested(); // the trainer cannot be interrupted: stop right after it, not one call later
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
        var gamma = new double[_constraints];
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
        var j = _constraints;
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

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (var i = 0; i < a.Length; i++)
            s += a[i] * b[i];
        return s;
    }
}
