namespace DeepML.Fairness;

/// <summary>
/// A fitted group's rule: P(ŷ=1 | s) = PIgnore·Constant + (1 − PIgnore)·(P0·1[s ≥ T0] + P1·1[s ≥ T1]),
/// Fairlearn's <c>InterpolatedThresholder</c>. A threshold of +∞ selects nobody.
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
    /// <summary>P(ŷ = 1) for a score in this group.</summary>
    public double PositiveProbability(float score) =>
        PIgnore * Constant + (1 - PIgnore) * (P0 * (score >= T0 ? 1 : 0) + P1 * (score >= T1 ? 1 : 0));
}

/// <summary>
/// Hardt, Price &amp; Srebro (2016) as in Fairlearn's <c>ThresholdOptimizer</c>: per group, the
/// operating points of every threshold, their upper convex hull, and a common point on the constraint
/// axis that maximises accuracy. For the single-rate constraints the maximum is found exactly at
/// the hull vertices (Fairlearn searches a 1001-point grid); equalized odds uses Fairlearn's grid.
/// </summary>
internal static class ThresholdSolver
{
    private readonly record struct Point(double X, double Y, float Threshold);

    public static (GroupThresholdRule[] Rules, double X) Solve(MitigationData data, ThresholdConstraint constraint, int gridSize)
    {
        var groups = data.Index.Groups;
        var hulls = new Point[groups.Length][];
        var size = new double[groups.Length];
        var positives = new double[groups.Length];
        for (var g = 0; g < groups.Length; g++)
        {
            if (groups[g].IsEmpty)
                continue;
            (hulls[g], size[g], positives[g]) = GroupHull(data, g, constraint);
        }
        double total = size.Sum(), totalPos = positives.Sum();
        var rules = new GroupThresholdRule[groups.Length];
        double best;
        if (constraint != ThresholdConstraint.EqualizedOdds)
        {
            var candidates = hulls.Where(h => h is not null).SelectMany(h => h.Select(p => p.X)).Distinct();
            best = ArgMax(candidates, x => Enumerable.Range(0, groups.Length).Where(g => hulls[g] is not null).Sum(g => size[g] / total * Interpolate(hulls[g], x).Y));
            for (var g = 0; g < groups.Length; g++)
                rules[g] = Rule(groups[g], hulls[g], best, 0, 0);
            return (rules, best);
        }
        var live = Enumerable.Range(0, groups.Length).Where(g => hulls[g] is not null).ToArray();
        double YMin(double x) => live.Min(g => Interpolate(hulls[g], x).Y);
        var grid = Enumerable.Range(0, gridSize + 1).Select(i => (double)i / gridSize);
        best = ArgMax(grid, x => (totalPos * YMin(x) + (total - totalPos) * (1 - x)) / total);
        var yMin = YMin(best);
        for (var g = 0; g < groups.Length; g++)
        {
            if (hulls[g] is null)
            {
                rules[g] = Rule(groups[g], null, best, 0, 0);
                continue;
            }
            var tpr = Interpolate(hulls[g], best).Y;
            var pIgnore = tpr == best ? 0 : Math.Clamp((tpr - yMin) / (tpr - best), 0, 1);
            rules[g] = Rule(groups[g], hulls[g], best, pIgnore, best);
        }
        return (rules, best);
    }

    private static GroupThresholdRule Rule(FairnessGroup group, Point[]? hull, double x, double pIgnore, double constant)
    {
        if (hull is null) // an empty group: never seen in training, predicted negative
            return new GroupThresholdRule(group, float.PositiveInfinity, 1, float.PositiveInfinity, 0, 0, 0);
        var (_, j, p0) = Interpolate(hull, x);
        var k = Math.Min(j + 1, hull.Length - 1);
        return new GroupThresholdRule(group, hull[j].Threshold, p0, hull[k].Threshold, 1 - p0, pIgnore, constant);
    }

    private static double ArgMax(IEnumerable<double> xs, Func<double, double> f)
    {
        double bestX = double.NaN, bestY = double.NegativeInfinity;
        foreach (var x in xs.Order())
        {
            var y = f(x);
            if (y > bestY + 1e-12)
                (bestX, bestY) = (x, y);
        }
        return bestX;
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

    // Operating points of "select score ≥ t" for t = +∞ and every distinct score, then the upper hull.
    private static (Point[] Hull, double Size, double Positives) GroupHull(MitigationData data, int group, ThresholdConstraint constraint)
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
            points.Add(Make(tp, fp, s));
        }
        return (UpperHull(points), rows.Length, pos);

        Point Make(double tpc, double fpc, float t)
        {
            var n = pos + neg;
            var accuracy = (tpc + neg - fpc) / n;
            return constraint switch
            {
                ThresholdConstraint.DemographicParity => new Point((tpc + fpc) / n, accuracy, t),
                ThresholdConstraint.EqualOpportunity => new Point(tpc / pos, accuracy, t),
                ThresholdConstraint.FalsePositiveRateParity => new Point(fpc / neg, accuracy, t),
                _ => new Point(fpc / neg, tpc / pos, t),
            };
        }
    }

    // Andrew's monotone chain, upper part; points arrive with non-decreasing x.
    private static Point[] UpperHull(List<Point> points)
    {
        var sorted = points.OrderBy(p => p.X).ThenBy(p => p.Y).ToList();
        var hull = new List<Point>();
        foreach (var p in sorted)
        {
            while (hull.Count >= 2 && Cross(hull[^2], hull[^1], p) >= 0)
                hull.RemoveAt(hull.Count - 1);
            if (hull.Count == 1 && hull[0].X == p.X)
                hull.RemoveAt(0);
            hull.Add(p);
        }
        return [.. hull];
    }

    private static double Cross(Point o, Point a, Point b) => (a.X - o.X) * (b.Y - o.Y) - (a.Y - o.Y) * (b.X - o.X);
}
