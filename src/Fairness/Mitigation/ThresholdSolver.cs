namespace DeepML.Fairness;

/// <summary>
/// A fitted group's rule: P(ŷ=1 | s) = PIgnore·Constant + (1 − PIgnore)·(P0·1[s &gt; T0] + P1·1[s &gt; T1]),
/// Fairlearn's <c>InterpolatedThresholder</c> with its strict operation <c>score &gt; threshold</c>. The
/// thresholds lie midway between neighbouring distinct training scores of the group (as Single values);
/// +∞ selects nobody and −∞ everybody.
/// </summary>
/// <param name="Group">The group.</param>
/// <param name="T0">Threshold of the first operation.</param>
/// <param name="P0">Its probability.</param>
/// <param name="T1">Threshold of the second operation.</param>
/// <param name="P1">Its probability (1 − P0).</param>
/// <param name="PIgnore">Probability of using the constant instead (equalized odds only; else 0).</param>
/// <param name="Constant">The constant positive probability used with <paramref name="PIgnore"/>.</param>
public sealed record GroupThresholdRule(FairnessGroup Group, float T0, double P0, float T1, double P1, double PIgnore, double Constant)
{
    /// <summary>P(ŷ = 1) for a score in this group (the score as Single, as the solver and the saved model read it).</summary>
    public double PositiveProbability(float score) =>
        PIgnore * Constant + (1 - PIgnore) * (P0 * (score > T0 ? 1 : 0) + P1 * (score > T1 ? 1 : 0));
}

/// <summary>
/// The solver's result: a rule per group; the constraint value (the common one, or with a tolerance the midpoint of the
/// groups' range); the objective reached on the training data; each group's constraint value (NaN for an empty group),
/// aligned with the rules; and their spread, max − min over the non-empty groups (0 under exact parity).
/// </summary>
internal readonly record struct ThresholdSolution(GroupThresholdRule[] Rules, double ConstraintValue, double ObjectiveValue, double[] ConstraintValues, double Spread);

/// <summary>
/// Hardt, Price &amp; Srebro (2016) as in Fairlearn's <c>ThresholdOptimizer</c>: per group, the
/// operating points of every threshold, their upper convex hull, and a common point on the constraint
/// axis that maximises the objective. For the single-rate constraints the maximum of
/// Σ_a P(A = a)·y_a(x) is found exactly at the hull vertices (Fairlearn searches a 1001-point grid), and so is
/// the relaxed optimum with a tolerance (see <see cref="SolveRelaxed"/>); equalized odds uses Fairlearn's grid and
/// its pooled-count objective.
/// </summary>
internal static class ThresholdSolver
{
    private readonly record struct Point(double X, double Y, float Threshold);

    /// <summary>The rules for <paramref name="constraint"/>; <paramref name="tolerance"/> null is exact parity (must be null for equalized odds).</summary>
    public static ThresholdSolution Solve(MitigationData data, ThresholdConstraint constraint, ThresholdObjective objective, int gridSize, double? tolerance = null)
    {
        var groups = data.Index.Groups;
        var hulls = new Point[groups.Length][];
        var size = new double[groups.Length];
        var positives = new double[groups.Length];
        for (var g = 0; g < groups.Length; g++)
        {
            if (groups[g].IsEmpty)
                continue;
            (hulls[g], size[g], positives[g]) = GroupHull(data, g, constraint, objective);
        }
        double total = size.Sum(), totalPos = positives.Sum();
        var live = Enumerable.Range(0, groups.Length).Where(g => hulls[g] is not null).ToArray();
        var rules = new GroupThresholdRule[groups.Length];
        if (constraint != ThresholdConstraint.EqualizedOdds)
        {
            // Ties go to the fewest selections: the lowest x, except on the TNR and FNR axes, which fall as more are
            // selected (so that these two give exactly the rules of their FPR and TPR twins).
            var falling = constraint is ThresholdConstraint.TrueNegativeRateParity or ThresholdConstraint.FalseNegativeRateParity;
            if (tolerance is { } t)
                return SolveRelaxed(groups, hulls, size.Select(s => s / total).ToArray(), live, t, falling);
            // Y(x) is piecewise linear with its kinks at hull vertices, so its maximum is at one of them.
            double Overall(double x) => live.Sum(g => size[g] / total * Interpolate(hulls[g], x).Y);
            var best = ArgMax(live.SelectMany(g => hulls[g].Select(p => p.X)).Distinct(), Overall, falling);
            for (var g = 0; g < groups.Length; g++)
                rules[g] = Rule(groups[g], hulls[g], best, 0, 0);
            return new ThresholdSolution(rules, best, Overall(best), Common(hulls, best), 0);
        }
        // Equalized odds: every group at FPR x and at the lowest TPR of all groups there, scored on the pooled counts.
        double YMin(double x) => live.Min(g => Interpolate(hulls[g], x).Y);
        double Pooled(double x) => objective == ThresholdObjective.BalancedAccuracy
            ? (YMin(x) + 1 - x) / 2
            : (totalPos * YMin(x) + (total - totalPos) * (1 - x)) / total;
        var bestX = ArgMax(Enumerable.Range(0, gridSize + 1).Select(i => (double)i / gridSize), Pooled);
        var yMin = YMin(bestX);
        for (var g = 0; g < groups.Length; g++)
        {
            if (hulls[g] is null)
            {
                rules[g] = Rule(groups[g], null, bestX, 0, 0);
                continue;
            }
            // Mixing towards the constant x (a point on the ROC diagonal) lowers this group's TPR to the common one.
            var tpr = Interpolate(hulls[g], bestX).Y;
            var pIgnore = tpr == bestX ? 0 : Math.Clamp((tpr - yMin) / (tpr - bestX), 0, 1);
            rules[g] = Rule(groups[g], hulls[g], bestX, pIgnore, bestX);
        }
        return new ThresholdSolution(rules, bestX, Pooled(bestX), Common(hulls, bestX), 0);
    }

    // Every non-empty group at x; NaN for the empty ones (no training rows, so no rate).
    private static double[] Common(Point[]?[] hulls, double x) => hulls.Select(h => h is null ? double.NaN : x).ToArray();

    /// <summary>
    /// Relaxed parity with tolerance t: maximise Σ_a w_a·y_a(x_a) over per-group points x_a with max_a x_a − min_a x_a ≤ t,
    /// where w_a = P(A = a) and y_a is group a's upper hull (concave, piecewise linear on [0, 1]).
    /// </summary>
    /// <remarks>
    /// Why a finite search is exact. (1) Every hull spans exactly [0, 1] (nobody and everybody selected are among its
    /// points), and t &lt; 1, so any feasible (x_a) lies in a window [L, L + t] with 0 ≤ L ≤ 1 − t: take
    /// L = min(min_a x_a, 1 − t). Conversely every choice inside one window is feasible. The optimum is therefore
    /// max over L in [0, 1 − t] of G(L) = Σ_a w_a·h_a(L), with h_a(L) the maximum of y_a over [L, L + t].
    /// (2) y_a is concave, so with m_a a point where it peaks, h_a(L) = y_a(clamp(m_a, L, L + t)): y_a(L + t) while the
    /// window lies left of the peak (y_a rises there), y_a(m_a) while it holds the peak, y_a(L) once it lies right of it.
    /// (3) Each piece is linear in L between kinks of y_a(L + t) or y_a(L), that is between L = v − t and L = v for the
    /// hull vertices v, and the switches happen at L = m_a − t and L = m_a, where m_a is itself a vertex. So G is
    /// continuous and piecewise linear on [0, 1 − t] with every breakpoint in {v, v − t}, and the interval's ends are
    /// in that set too (0 and 1 are vertices of every hull). A continuous piecewise-linear function on a closed interval
    /// reaches its maximum at a breakpoint or an end, so trying L in {v, v − t} ∩ [0, 1 − t] finds the optimum; each
    /// window is kept as (v, v + t) or (v − t, v) so that the vertex end is exact. With t = 0 this is the exact-parity
    /// search at the vertices, step for step, and gives the same rules. Cost: (number of vertices) × (groups) hull
    /// look-ups, as for exact parity.
    /// Ties: among points where y_a peaks (within 1e-12), m_a is the one with the fewest selections, and among equally
    /// good windows (within 1e-12) the first from the fewest-selections end wins, as in the exact search.
    /// </remarks>
    private static ThresholdSolution SolveRelaxed(FairnessGroup[] groups, Point[]?[] hulls, double[] weight, int[] live, double t, bool falling)
    {
        var peak = new double[hulls.Length];
        foreach (var g in live)
            peak[g] = Peak(hulls[g]!, falling);
        var vertices = live.SelectMany(g => hulls[g]!.Select(p => p.X)).Distinct().ToArray();
        var windows = vertices.Select(v => (Lo: v, Hi: v + t)).Concat(vertices.Select(v => (Lo: v - t, Hi: v)))
            .Where(w => w.Lo >= 0 && w.Hi <= 1).Distinct();
        double Place(int g, (double Lo, double Hi) w) => Math.Clamp(peak[g], w.Lo, w.Hi);
        double Overall((double Lo, double Hi) w) => live.Sum(g => weight[g] * Interpolate(hulls[g]!, Place(g, w)).Y);
        var best = FirstMax(falling ? windows.OrderByDescending(w => w.Hi) : windows.OrderBy(w => w.Lo), Overall);

        var rules = new GroupThresholdRule[groups.Length];
        var values = new double[groups.Length];
        for (var g = 0; g < groups.Length; g++)
        {
            values[g] = hulls[g] is null ? double.NaN : Place(g, best);
            rules[g] = Rule(groups[g], hulls[g], values[g], 0, 0);
        }
        double lo = live.Min(g => values[g]), hi = live.Max(g => values[g]);
        return new ThresholdSolution(rules, (lo + hi) / 2, Overall(best), values, hi - lo);
    }

    // Where the hull peaks (within 1e-12): the vertex with the fewest selections, the lowest x or, on a falling axis, the highest.
    private static double Peak(Point[] hull, bool falling)
    {
        var top = hull.Max(p => p.Y) - 1e-12;
        return falling ? hull.Last(p => p.Y >= top).X : hull.First(p => p.Y >= top).X;
    }

    private static GroupThresholdRule Rule(FairnessGroup group, Point[]? hull, double x, double pIgnore, double constant)
    {
        if (hull is null) // an empty group: never seen in training, predicted negative
            return new GroupThresholdRule(group, float.PositiveInfinity, 1, float.PositiveInfinity, 0, 0, 0);
        var (_, j, p0) = Interpolate(hull, x);
        var k = Math.Min(j + 1, hull.Length - 1);
        return new GroupThresholdRule(group, hull[j].Threshold, p0, hull[k].Threshold, 1 - p0, pIgnore, constant);
    }

    // The first maximum (within 1e-12) in increasing x, or in decreasing x when descending.
    private static double ArgMax(IEnumerable<double> xs, Func<double, double> f, bool descending = false) =>
        FirstMax(descending ? xs.OrderDescending() : xs.Order(), f);

    // The first maximum (within 1e-12) in the order given.
    private static T FirstMax<T>(IEnumerable<T> ordered, Func<T, double> f)
    {
        T best = default!;
        var bestY = double.NegativeInfinity;
        foreach (var x in ordered)
        {
            var y = f(x);
            if (y > bestY + 1e-12)
                (best, bestY) = (x, y);
        }
        return best;
    }

    /// <summary>The hull's y at x, the segment start j and the weight p0 of vertex j.</summary>
    private static (double Y, int J, double P0) Interpolate(Point[] hull, double x)
    {
        if (x <= hull[0].X)
            return (hull[0].Y, 0, 1);
        for (var j = 0; j < hull.Length - 1; j++)
        {
            if (x > hull[j + 1].X)
                continue;
            var p0 = (hull[j + 1].X - x) / (hull[j + 1].X - hull[j].X);
            return (p0 * hull[j].Y + (1 - p0) * hull[j + 1].Y, j, p0);
        }
        return (hull[^1].Y, hull.Length - 1, 1);
    }

    // Operating points of "select score > t" for t = +∞, the midpoints between neighbouring distinct scores and −∞, then the upper hull.
    private static (Point[] Hull, double Size, double Positives) GroupHull(MitigationData data, int group, ThresholdConstraint constraint, ThresholdObjective objective)
    {
        var rows = Enumerable.Range(0, data.Rows).Where(i => data.Index.GroupOfRow[i] == group).ToArray();
        var scores = rows.Select(i => (float)data.Score![i]).ToArray();
        var labels = rows.Select(i => data.Label[i]).ToArray();
        Array.Sort(scores, labels);
        double pos = labels.Sum(l => (double)l), neg = rows.Length - pos;
        if (pos == 0 || neg == 0)
            throw new ArgumentException($"ThresholdOptimizer: group '{data.Index.Groups[group].Name}' has only {(pos == 0 ? "negative" : "positive")} labels ({rows.Length} rows); expected both labels in every group (Fairlearn's \"Degenerate labels\"). Merge the group with another or drop it before fitting.");
        var points = new List<Point> { Make(0, 0, float.PositiveInfinity) };
        double tp = 0, fp = 0;
        for (var i = scores.Length - 1; i >= 0;)
        {
            var s = scores[i];
            for (; i >= 0 && scores[i] == s; i--)
                if (labels[i] == 1) tp++; else fp++;
            points.Add(Make(tp, fp, i >= 0 ? Between(scores[i], s) : float.NegativeInfinity));
        }
        return (UpperHull(points), rows.Length, pos);

        Point Make(double tpc, double fpc, float t)
        {
            var n = pos + neg;
            double tpr = tpc / pos, tnr = (neg - fpc) / neg;
            var x = constraint switch
            {
                ThresholdConstraint.DemographicParity => (tpc + fpc) / n,
                ThresholdConstraint.EqualOpportunity => tpr,
                ThresholdConstraint.FalseNegativeRateParity => (pos - tpc) / pos,
                ThresholdConstraint.TrueNegativeRateParity => tnr,
                _ => fpc / neg, // FalsePositiveRateParity; EqualizedOdds (the ROC curve)
            };
            var y = constraint == ThresholdConstraint.EqualizedOdds ? tpr : objective switch
            {
                ThresholdObjective.BalancedAccuracy => (tpr + tnr) / 2,
                ThresholdObjective.SelectionRate => (tpc + fpc) / n,
                ThresholdObjective.TruePositiveRate => tpr,
                ThresholdObjective.TrueNegativeRate => tnr,
                _ => (tpc + neg - fpc) / n,
            };
            return new Point(x, y, t);
        }
    }

    /// <summary>
    /// A Single threshold t with lower ≤ t &lt; upper, the midpoint of the two as nearly as Single allows, so
    /// that "score &gt; t" selects upper and every training score above it and nothing at or below lower.
    /// </summary>
    internal static float Between(float lower, float upper)
    {
        var t = (float)(((double)lower + upper) / 2);
        return t < upper ? t : MathF.BitDecrement(upper);
    }

    // Andrew's monotone chain, upper part; points arrive with non-decreasing x.
    private static Point[] UpperHull(List<Point> points)
    {
        var sorted = points.OrderBy(p => p.X).ThenBy(p => p.Y).ToList();
        var hull = new List<Point>();
        foreach (var p in sorted)
        {
            // Drop the last vertex when it is at most 1e-12 above the chord from the one before to p: a vertex on the
            // chord up to rounding is dropped whichever way the axis runs (TNR and FPR twins then get the same rules),
            // at a cost of at most 1e-12 in the objective and none in the constraint.
            while (hull.Count >= 2 && Cross(hull[^2], hull[^1], p) >= -1e-12 * (p.X - hull[^2].X))
                hull.RemoveAt(hull.Count - 1);
            if (hull.Count == 1 && hull[0].X == p.X)
                hull.RemoveAt(0);
            hull.Add(p);
        }
        return [.. hull];
    }

    private static double Cross(Point o, Point a, Point b) => (a.X - o.X) * (b.Y - o.Y) - (a.Y - o.Y) * (b.X - o.X);
}
