namespace DeepML.Fairness;

/// <summary>
/// Fairlearn's <c>ExponentiatedGradient.fit</c> loop (Agarwal et al. 2018), with its linear-program
/// step when <see cref="ExponentiatedGradientOptions.RunLinearProgramStep"/> is set: multiplicative updates of λ with L1 bound B = 1/eps, the
/// empirical distribution of best responses as Q, stop when the duality gap is below ν after at least
/// five iterations, and η shrinks by 0.8 when the gap stalls.
/// </summary>
internal static class ExponentiatedGradientSolver
{
    private const int MinIterations = 5;
    private const double ShrinkRegret = 0.8, ShrinkEta = 0.8, RegretCheckIncrease = 1.6, AccuracyMul = 0.5, Precision = 1e-8;

    public sealed record Result(double[] Weights, double BestGap, int Iterations, int OracleCalls);

    /// <summary>The solver's settings, shared by the classification and the regression options.</summary>
    public sealed record Settings(double Eps, double? Nu, double Eta0, int MaxIterations, bool RunLinearProgramStep, double Bound,
        IProgress<int>? Progress, CancellationToken CancellationToken);

    public static Result Run(Lagrangian lagrangian, int constraints, double[] label, Settings o, Action<string> log)
    {
        var n = label.Length;
        var b = 1 / o.Eps;
        var theta = new double[constraints];
        var lambdaSum = new double[constraints];
        var qSum = new List<double>();
        var gaps = new List<double>();
        var qs = new List<double[]>();
        double nu = o.Nu ?? 0, eta = o.Eta0 / b, lastGap = double.PositiveInfinity, lastRegretChecked = MinIterations;
        var gapsEg = new List<double>();
        var t = 0;
        for (; t < o.MaxIterations; t++)
        {
            var expTheta = theta.Select(Math.Exp).ToArray();
            var denominator = 1 + expTheta.Sum();
            var lambda = expTheta.Select(e => b * e / denominator).ToArray();
            for (var j = 0; j < lambda.Length; j++)
                lambdaSum[j] += lambda[j];
            var lambdaEg = lambdaSum.Select(x => x / (t + 1)).ToArray();
            var h = lagrangian.BestH(lambda);
            if (t == 0 && o.Nu is null)
            {
                var errors = label.Select((y, i) => Math.Abs(lagrangian.Predictors[h].Predictions[i] - y)).ToArray();
                nu = AccuracyMul * StandardDeviation(errors) / Math.Sqrt(n);
            }
            while (qSum.Count < lagrangian.Predictors.Count)
                qSum.Add(0);
            qSum[h] += 1;
            var q = qSum.Select(x => x / (t + 1)).ToArray();
            var gap = lagrangian.Gap(q, lambdaEg, nu);
            gapsEg.Add(gap);
            var lp = t > 0 && o.RunLinearProgramStep ? lagrangian.SolveLinprog(nu) : null;
            if (lp is { } linear && linear.Gap <= gap)
            {
                gap = linear.Gap;
                q = linear.Q;
            }
            gaps.Add(gap);
            qs.Add(q);
            // An iteration cancelled after its last oracle call is not reported as finished.
            o.CancellationToken.ThrowIfCancellationRequested();
            log($"iteration {t}: predictors {lagrangian.Predictors.Count}, gap {gap:G4}, nu {nu:G4}");
            o.Progress?.Report(t + 1);
            if (gap < nu && t >= MinIterations)
            {
                t++;
                break;
            }
            if (t >= lastRegretChecked * RegretCheckIncrease)
            {
                var best = gapsEg.Min();
                if (best > ShrinkRegret * lastGap)
                    eta *= ShrinkEta;
                lastRegretChecked = t;
                lastGap = best;
            }
            var gamma = lagrangian.Gamma(h);
            for (var j = 0; j < theta.Length; j++)
                theta[j] += eta * (gamma[j] - o.Bound);
        }
        var minGap = gaps.Min();
        var bestT = gaps.FindLastIndex(g => g <= minGap + Precision);
        var weights = new double[lagrangian.Predictors.Count];
        Array.Copy(qs[bestT], weights, qs[bestT].Length);
        return new Result(weights, gaps[bestT], t, lagrangian.OracleCalls);
    }

    private static double StandardDeviation(double[] x)
    {
        if (x.Length < 2)
            return 0;
        var mean = x.Average();
        return Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1));
    }
}
