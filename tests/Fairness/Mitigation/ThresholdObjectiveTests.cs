using Microsoft.ML;
using Xunit;

namespace DeepML.Fairness.Tests.Mitigation;

/// <summary>
/// ThresholdOptimizer's objectives and constraints against a brute force written here, independent of
/// ThresholdSolver: three groups of 40 rows with tied scores; every deterministic threshold of a group
/// gives an operating point (counts TP, FP), any two of them can be mixed, and the best mix at a common
/// x is found by trying every pair. The fitted model is judged by the expected counts of its own rules
/// (GroupThresholdRule.PositiveProbability on each training row), not by random draws.
/// </summary>
public class ThresholdObjectiveTests
{
    internal static readonly ThresholdConstraint[] SingleRate =
    [
        ThresholdConstraint.DemographicParity, ThresholdConstraint.EqualOpportunity, ThresholdConstraint.FalsePositiveRateParity,
        ThresholdConstraint.TrueNegativeRateParity, ThresholdConstraint.FalseNegativeRateParity,
    ];

    public static TheoryData<int, ThresholdConstraint, ThresholdObjective> SingleRateCases()
    {
        var data = new TheoryData<int, ThresholdConstraint, ThresholdObjective>();
        foreach (var seed in new[] { 3, 8 })
            foreach (var c in SingleRate)
                foreach (var o in Enum.GetValues<ThresholdObjective>())
                    data.Add(seed, c, o);
        return data;
    }

    [Theory]
    [MemberData(nameof(SingleRateCases))]
    public void SingleRateConstraintReachesTheBruteForceOptimumWithExactParity(int seed, ThresholdConstraint constraint, ThresholdObjective objective)
    {
        var ml = new MLContext(1);
        var rows = TiedRows(seed);
        var model = Fit(ml, rows, constraint, objective);
        var groups = rows.GroupBy(r => r.Sf).ToArray();
        double n = rows.Count;

        // Brute force: Y(x) = Σ_a P(A=a)·best_a(x) is concave and piecewise linear, with kinks only at the groups' operating-point x values.
        var curves = groups.Select(g => OperatingPoints(g.ToList()).Select(c => (X: Rate(constraint, c, g), Y: Metric(objective, c, g))).ToArray()).ToArray();
        var candidates = curves.SelectMany(c => c.Select(p => p.X)).Distinct();
        var optimum = candidates.Max(x => groups.Select((g, k) => g.Count() / n * BestAt(curves[k], x)).Sum());

        // The model, in expectation: each group's rate is the common one, and the objective is the optimum.
        var expected = groups.Select(g => ExpectedCounts(model, g.ToList())).ToArray();
        var rates = groups.Select((g, k) => Rate(constraint, expected[k], g)).ToArray();
        foreach (var r in rates)
            Assert.Equal(model.ConstraintValue, r, 1e-9);
        var reached = groups.Select((g, k) => g.Count() / n * Metric(objective, expected[k], g)).Sum();
        Assert.Equal(optimum, reached, 1e-9);
        Assert.Equal(optimum, model.ObjectiveValue, 1e-9);
        AssertChainMatchesRules(ml, model, rows);
    }

    [Theory]
    [InlineData(3, ThresholdObjective.Accuracy)]
    [InlineData(3, ThresholdObjective.BalancedAccuracy)]
    [InlineData(8, ThresholdObjective.Accuracy)]
    [InlineData(8, ThresholdObjective.BalancedAccuracy)]
    public void EqualizedOddsReachesTheBruteForceOptimumOfThePooledObjective(int seed, ThresholdObjective objective)
    {
        const int grid = 1000;
        var ml = new MLContext(1);
        var rows = TiedRows(seed);
        var model = Fit(ml, rows, ThresholdConstraint.EqualizedOdds, objective);
        var groups = rows.GroupBy(r => r.Sf).ToArray();
        double n = rows.Count, positives = rows.Count(r => r.Label), negatives = n - positives;

        // Brute force: all groups at FPR x and at the lowest of their best TPRs there; scored on the pooled counts.
        var roc = groups.Select(g => OperatingPoints(g.ToList()).Select(c => (X: c.Fp / Neg(g), Y: c.Tp / Pos(g))).ToArray()).ToArray();
        double Pooled(double x)
        {
            var tpr = roc.Min(curve => BestAt(curve, x));
            return objective == ThresholdObjective.Accuracy ? (positives * tpr + negatives * (1 - x)) / n : (tpr + 1 - x) / 2;
        }
        var onGrid = Enumerable.Range(0, grid + 1).Max(i => Pooled((double)i / grid));
        // The continuous optimum: Pooled is concave (a minimum of concave curves, plus a linear term), so a ternary search finds it.
        double lo = 0, hi = 1;
        for (var i = 0; i < 200; i++)
        {
            double m1 = lo + (hi - lo) / 3, m2 = hi - (hi - lo) / 3;
            if (Pooled(m1) < Pooled(m2)) lo = m1; else hi = m2;
        }
        var continuous = Pooled((lo + hi) / 2);
        // A grid step of 1/grid loses at most the steepest slope times the step: a ROC segment rises at most 1 over at
        // least 1/negatives, so |d Pooled / dx| ≤ max negatives + 1.
        var slope = groups.Max(g => Neg(g)) + 1.0;

        var expected = groups.Select(g => ExpectedCounts(model, g.ToList())).ToArray();
        var tprs = groups.Select((g, k) => expected[k].Tp / Pos(g)).ToArray();
        var fprs = groups.Select((g, k) => expected[k].Fp / Neg(g)).ToArray();
        Assert.True(tprs.Max() - tprs.Min() <= 1e-9, $"TPRs {string.Join(", ", tprs)}");
        Assert.True(fprs.Max() - fprs.Min() <= 1e-9, $"FPRs {string.Join(", ", fprs)}");
        Assert.Equal(model.ConstraintValue, fprs[0], 1e-9);
        double tp = expected.Sum(c => c.Tp), fp = expected.Sum(c => c.Fp);
        var reached = objective == ThresholdObjective.Accuracy ? (tp + negatives - fp) / n : (tp / positives + 1 - fp / negatives) / 2;
        Assert.Equal(onGrid, reached, 1e-9);
        Assert.Equal(onGrid, model.ObjectiveValue, 1e-9);
        Assert.True(reached <= continuous + 1e-9, $"reached {reached} beats the continuous optimum {continuous}: a constraint must be broken");
        Assert.True(reached >= continuous - slope / grid, $"reached {reached}, continuous optimum {continuous}");
        AssertChainMatchesRules(ml, model, rows);
    }

    [Fact]
    public void NewParitiesAreTheOldOnesUnderAnotherNameReportingTheirOwnRate()
    {
        var ml = new MLContext(1);
        var rows = TiedRows(3);
        foreach (var (renamed, original) in new[]
        {
            (ThresholdConstraint.TrueNegativeRateParity, ThresholdConstraint.FalsePositiveRateParity),
            (ThresholdConstraint.FalseNegativeRateParity, ThresholdConstraint.EqualOpportunity),
        })
        {
            var a = Fit(ml, rows, renamed, ThresholdObjective.Accuracy);
            var b = Fit(ml, rows, original, ThresholdObjective.Accuracy);
            Assert.Equal(1 - b.ConstraintValue, a.ConstraintValue, 1e-12);
            Assert.Equal(b.ObjectiveValue, a.ObjectiveValue, 1e-12);
            foreach (var r in rows)
                Assert.Equal(Rule(b, r).PositiveProbability(r.Score), Rule(a, r).PositiveProbability(r.Score), 1e-9);
        }
    }

    [Theory]
    [InlineData(ThresholdObjective.SelectionRate)]
    [InlineData(ThresholdObjective.TruePositiveRate)]
    [InlineData(ThresholdObjective.TrueNegativeRate)]
    public void EqualizedOddsRejectsTheRateObjectivesNamingBothOptions(ThresholdObjective objective)
    {
        var expected = $"ThresholdOptimizerOptions.Objective: {objective} {FairnessErrors.ObjectiveNotForEqualizedOdds}";
        var objectiveLast = Assert.Throws<ArgumentException>(() => new ThresholdOptimizerOptions { Constraint = ThresholdConstraint.EqualizedOdds, Objective = objective });
        Assert.Equal($"{expected} (Parameter 'Objective')", objectiveLast.Message);
        var constraintLast = Assert.Throws<ArgumentException>(() => new ThresholdOptimizerOptions { Objective = objective, Constraint = ThresholdConstraint.EqualizedOdds });
        Assert.Equal($"{expected} (Parameter 'Constraint')", constraintLast.Message);
        var catalog = Assert.Throws<ArgumentException>(() => new MLContext(1).DeepML().Fairness.ThresholdOptimizer(["Sf"], ThresholdConstraint.EqualizedOdds, objective: objective));
        Assert.StartsWith(expected, catalog.Message, StringComparison.Ordinal);
        Assert.Equal(
            "cannot be combined with Constraint EqualizedOdds; as in Fairlearn, equalized odds is optimised for Accuracy or BalancedAccuracy only. " +
            "Choose Objective Accuracy or BalancedAccuracy, or keep the objective with a single-rate Constraint (DemographicParity, EqualOpportunity, " +
            "FalsePositiveRateParity, TrueNegativeRateParity or FalseNegativeRateParity).", FairnessErrors.ObjectiveNotForEqualizedOdds);
        // The allowed objectives pass in either order.
        Assert.Equal(ThresholdObjective.BalancedAccuracy, new ThresholdOptimizerOptions { Objective = ThresholdObjective.BalancedAccuracy, Constraint = ThresholdConstraint.EqualizedOdds }.Objective);
    }

    // Three groups of 40 rows, scores rounded to 0.1 (many ties, some spanning both labels), lower for later groups.
    internal static List<Row> TiedRows(int seed)
    {
        var rng = new Random(seed);
        var rows = new List<Row>();
        foreach (var (group, k) in new[] { "a", "b", "c" }.Select((g, k) => (g, k)))
        {
            for (var i = 0; i < 40; i++)
            {
                var label = i < 4 ? i % 2 == 0 : rng.NextDouble() < 0.3 + 0.15 * k; // both labels in every group
                var score = (label ? 0.8 : 0.0) + 0.6 * Synthetic.Gaussian(rng) - 0.3 * k;
                rows.Add(new Row { Label = label, Score = (float)Math.Round(score, 1), Sf = group });
            }
        }
        return rows;
    }

    internal static ThresholdOptimizerTransformer Fit(MLContext ml, List<Row> rows, ThresholdConstraint constraint, ThresholdObjective objective, double? tolerance = null) =>
        ml.DeepML().Fairness.ThresholdOptimizer(new ThresholdOptimizerOptions
        {
            SensitiveColumnNames = ["Sf"], Constraint = constraint, Objective = objective, Seed = 4, Tolerance = tolerance,
        }).Fit(ml.Data.LoadFromEnumerable(rows));

    internal readonly record struct Counts(double Tp, double Fp);

    internal static double Pos(IEnumerable<Row> g) => g.Count(r => r.Label);

    internal static double Neg(IEnumerable<Row> g) => g.Count(r => !r.Label);

    // Counts when the k highest distinct scores are selected, k = 0 … (number of distinct scores).
    internal static List<Counts> OperatingPoints(List<Row> group)
    {
        var points = new List<Counts> { new(0, 0) };
        foreach (var level in group.Select(r => r.Score).Distinct().OrderDescending())
            points.Add(new Counts(group.Count(r => r.Score >= level && r.Label), group.Count(r => r.Score >= level && !r.Label)));
        return points;
    }

    internal static double Rate(ThresholdConstraint constraint, Counts c, IEnumerable<Row> g) => constraint switch
    {
        ThresholdConstraint.DemographicParity => (c.Tp + c.Fp) / g.Count(),
        ThresholdConstraint.EqualOpportunity => c.Tp / Pos(g),
        ThresholdConstraint.FalseNegativeRateParity => 1 - c.Tp / Pos(g),
        ThresholdConstraint.FalsePositiveRateParity => c.Fp / Neg(g),
        ThresholdConstraint.TrueNegativeRateParity => 1 - c.Fp / Neg(g),
        _ => throw new ArgumentOutOfRangeException(nameof(constraint)),
    };

    internal static double Metric(ThresholdObjective objective, Counts c, IEnumerable<Row> g) => objective switch
    {
        ThresholdObjective.Accuracy => (c.Tp + Neg(g) - c.Fp) / g.Count(),
        ThresholdObjective.BalancedAccuracy => (c.Tp / Pos(g) + 1 - c.Fp / Neg(g)) / 2,
        ThresholdObjective.SelectionRate => (c.Tp + c.Fp) / g.Count(),
        ThresholdObjective.TruePositiveRate => c.Tp / Pos(g),
        ThresholdObjective.TrueNegativeRate => 1 - c.Fp / Neg(g),
        _ => throw new ArgumentOutOfRangeException(nameof(objective)),
    };

    // The best y of a mix of two operating points whose x is exactly x: every pair that brackets x.
    internal static double BestAt((double X, double Y)[] points, double x)
    {
        var best = double.NegativeInfinity;
        foreach (var a in points)
            foreach (var b in points)
            {
                if (a.X > x || b.X < x)
                    continue;
                var y = a.X == b.X ? Math.Max(a.Y, b.Y) : a.Y + (b.Y - a.Y) * (x - a.X) / (b.X - a.X);
                best = Math.Max(best, y);
            }
        Assert.False(double.IsNegativeInfinity(best), $"no operating points bracket x = {x}");
        return best;
    }

    internal static GroupThresholdRule Rule(ThresholdOptimizerTransformer model, Row r) => model.Rules.Single(rule => rule.Group.Name == r.Sf);

    internal static Counts ExpectedCounts(ThresholdOptimizerTransformer model, List<Row> group) => new(
        group.Where(r => r.Label).Sum(r => Rule(model, r).PositiveProbability(r.Score)),
        group.Where(r => !r.Label).Sum(r => Rule(model, r).PositiveProbability(r.Score)));

    // The saved chain's Probability column is the rule (to Single precision).
    internal static void AssertChainMatchesRules(MLContext ml, ThresholdOptimizerTransformer model, List<Row> rows)
    {
        var predicted = ml.Data.CreateEnumerable<Predicted>(model.Transform(ml.Data.LoadFromEnumerable(rows)), reuseRowObject: false).ToList();
        for (var i = 0; i < rows.Count; i++)
            Assert.Equal(Rule(model, rows[i]).PositiveProbability(rows[i].Score), predicted[i].Probability, 1e-6);
    }
}
