using System.Globalization;
using Microsoft.ML;
using Xunit;
using static DeepML.Fairness.Tests.Mitigation.ThresholdObjectiveTests;

namespace DeepML.Fairness.Tests.Mitigation;

/// <summary>
/// ThresholdOptimizer with a tolerance (Fairlearn's <c>tol</c>): each group at its own value x_a of the constrained rate,
/// max_a x_a − min_a x_a ≤ t. Judged, as in <see cref="ThresholdObjectiveTests"/>, by the expected counts of the fitted
/// rules on the training rows, against a brute force written here on the same three tied groups of 40 rows.
/// </summary>
public class ThresholdToleranceTests
{
    public static TheoryData<int, ThresholdConstraint, ThresholdObjective> Cases() => SingleRateCases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void RelaxedConstraintReachesTheBruteForceOptimumWithinTheTolerance(int seed, ThresholdConstraint constraint, ThresholdObjective objective)
    {
        var ml = new MLContext(1);
        var problem = Problem.Of(TiedRows(seed), constraint, objective);
        foreach (var t in new[] { 0, 0.01, 0.05, 0.2 })
        {
            var model = Fit(ml, problem.Rows, constraint, objective, t);
            var (rates, reached) = problem.Judge(model);
            var optimum = problem.BruteForce(t);
            Assert.True(rates.Max() - rates.Min() <= t + 1e-12, $"t = {t}: rates {string.Join(", ", rates)}");
            Assert.Equal(optimum, reached, 1e-9);
            Assert.Equal(optimum, model.ObjectiveValue, 1e-9);
            // The transformer reports what its rules do: each group's rate, their spread, and the midpoint of their range.
            Assert.Equal(rates.Max() - rates.Min(), model.ConstraintSpread, 1e-9);
            Assert.True(model.ConstraintSpread <= t + 1e-12, $"t = {t}: spread {model.ConstraintSpread}");
            for (var k = 0; k < problem.Groups.Length; k++)
                Assert.Equal(rates[k], model.ConstraintValues[problem.RuleIndex(model, k)], 1e-9);
            Assert.Equal((model.ConstraintValues.Min() + model.ConstraintValues.Max()) / 2, model.ConstraintValue);
            Assert.Equal(t, model.Tolerance);
        }
        AssertChainMatchesRules(ml, Fit(ml, problem.Rows, constraint, objective, 0.05), problem.Rows);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ToleranceWideEnoughForEveryPeakPutsEachGroupAtItsOwnBest(int seed, ThresholdConstraint constraint, ThresholdObjective objective)
    {
        var ml = new MLContext(1);
        var problem = Problem.Of(TiedRows(seed), constraint, objective);
        // Closed form: each group's best is the top of its operating points, reached on an interval [Lo, Hi] of its rate;
        // all groups reach theirs at once exactly when t covers the gap between those intervals.
        var peaks = problem.Curves.Select(c =>
        {
            var top = c.Max(p => p.Y);
            var at = c.Where(p => p.Y >= top - 1e-12).Select(p => p.X).ToArray();
            return (Top: top, Lo: at.Min(), Hi: at.Max());
        }).ToArray();
        var needed = Math.Max(0, peaks.Max(p => p.Lo) - peaks.Min(p => p.Hi));
        var t = needed + 0.001;
        Assert.True(t < 1, $"the peaks need a spread of {needed}");
        var closed = problem.Weights.Select((w, k) => w * peaks[k].Top).Sum();
        Assert.Equal(closed, problem.BruteForce(t), 1e-9);

        var model = Fit(ml, problem.Rows, constraint, objective, t);
        var (rates, reached) = problem.Judge(model);
        Assert.Equal(closed, reached, 1e-9);
        Assert.Equal(closed, model.ObjectiveValue, 1e-9);
        for (var k = 0; k < problem.Groups.Length; k++)
            Assert.Equal(peaks[k].Top, problem.Metric(model, k), 1e-9);
        Assert.True(rates.Max() - rates.Min() <= t + 1e-12);
        // Just short of the gap, some group must stay below its best.
        if (needed > 0.002)
            Assert.True(Fit(ml, problem.Rows, constraint, objective, needed - 0.001).ObjectiveValue < closed - 1e-9);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ObjectiveDoesNotFallAsTheToleranceGrows(int seed, ThresholdConstraint constraint, ThresholdObjective objective)
    {
        var ml = new MLContext(1);
        var rows = TiedRows(seed);
        var previous = Fit(ml, rows, constraint, objective).ObjectiveValue;
        foreach (var t in new[] { 0, 0.002, 0.01, 0.03, 0.1, 0.3, 0.6, 0.95 })
        {
            var model = Fit(ml, rows, constraint, objective, t);
            Assert.True(model.ObjectiveValue >= previous - 1e-12, $"t = {t}: {model.ObjectiveValue} < {previous}");
            Assert.True(model.ConstraintSpread <= t + 1e-12, $"t = {t}: spread {model.ConstraintSpread}");
            previous = model.ObjectiveValue;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ToleranceZeroGivesExactlyTheRulesOfExactParity(int seed, ThresholdConstraint constraint, ThresholdObjective objective)
    {
        var ml = new MLContext(1);
        var rows = TiedRows(seed);
        var exact = Fit(ml, rows, constraint, objective);
        var zero = Fit(ml, rows, constraint, objective, 0);
        Assert.Equal(exact.Rules.Count, zero.Rules.Count);
        for (var i = 0; i < exact.Rules.Count; i++)
        {
            var (a, b) = (exact.Rules[i], zero.Rules[i]);
            Assert.Equal((a.Group.Name, a.T0, a.P0, a.T1, a.P1, a.PIgnore, a.Constant), (b.Group.Name, b.T0, b.P0, b.T1, b.P1, b.PIgnore, b.Constant));
        }
        Assert.Equal(exact.ConstraintValue, zero.ConstraintValue);
        Assert.Equal(exact.ObjectiveValue, zero.ObjectiveValue);
        Assert.Equal(exact.ConstraintValues, zero.ConstraintValues);
        Assert.All(exact.ConstraintValues, v => Assert.Equal(exact.ConstraintValue, v));
        Assert.Equal(0, exact.ConstraintSpread);
        Assert.Equal(0, zero.ConstraintSpread);
        Assert.Null(exact.Tolerance);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.05)]
    public void EqualizedOddsRejectsAToleranceNamingBothOptionsInEitherOrder(double tolerance)
    {
        var text = tolerance.ToString("R", CultureInfo.InvariantCulture);
        var expected = $"ThresholdOptimizerOptions.Tolerance: {text} {FairnessErrors.ToleranceNotForEqualizedOdds}";
        var toleranceLast = Assert.Throws<ArgumentException>(() => new ThresholdOptimizerOptions { Constraint = ThresholdConstraint.EqualizedOdds, Tolerance = tolerance });
        Assert.Equal($"{expected} (Parameter 'Tolerance')", toleranceLast.Message);
        var constraintLast = Assert.Throws<ArgumentException>(() => new ThresholdOptimizerOptions { Tolerance = tolerance, Constraint = ThresholdConstraint.EqualizedOdds });
        Assert.Equal($"{expected} (Parameter 'Constraint')", constraintLast.Message);
        Assert.Equal(
            "cannot be combined with Constraint EqualizedOdds; as in Fairlearn, equalized odds has no relaxed form (its true and false positive rates " +
            "are equalised exactly). Leave Tolerance null for equalized odds, or keep the tolerance with a single-rate Constraint (DemographicParity, " +
            "EqualOpportunity, FalsePositiveRateParity, TrueNegativeRateParity or FalseNegativeRateParity).", FairnessErrors.ToleranceNotForEqualizedOdds);
        // Null (exact parity) is fine with equalized odds in either order, and a tolerance with every other constraint.
        Assert.Null(new ThresholdOptimizerOptions { Tolerance = null, Constraint = ThresholdConstraint.EqualizedOdds }.Tolerance);
        foreach (var c in SingleRate)
            Assert.Equal(tolerance, new ThresholdOptimizerOptions { Tolerance = tolerance, Constraint = c }.Tolerance);
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(-0.01, "-0.01")]
    [InlineData(-double.Epsilon, "-5E-324")]
    [InlineData(1.0, "1")]
    [InlineData(2.5, "2.5")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void InvalidToleranceIsNamedWithItsValue(double tolerance, string text)
    {
        var ex = Assert.Throws<ArgumentException>(() => new ThresholdOptimizerOptions { Tolerance = tolerance });
        Assert.Equal("Tolerance", ex.ParamName);
        Assert.Equal($"ThresholdOptimizerOptions.Tolerance: {text} is not a valid tolerance; expected a finite number in [0, 1), the largest allowed gap " +
            "between the groups' constrained rates (for example 0.05), or null for exact parity. (Parameter 'Tolerance')", ex.Message);
    }

    [Fact]
    public void ToleranceDefaultsToNullAndAcceptsTheEndsOfItsRange()
    {
        Assert.Null(new ThresholdOptimizerOptions().Tolerance);
        Assert.Equal(0, new ThresholdOptimizerOptions { Tolerance = 0 }.Tolerance);
        Assert.Equal(Math.BitDecrement(1.0), new ThresholdOptimizerOptions { Tolerance = Math.BitDecrement(1.0) }.Tolerance);
    }

    /// <summary>The three groups, their weights P(A = a) and their operating points as (rate, metric).</summary>
    private sealed record Problem(List<Row> Rows, List<Row>[] Groups, double[] Weights, (double X, double Y)[][] Curves, ThresholdConstraint Constraint, ThresholdObjective Objective)
    {
        public static Problem Of(List<Row> rows, ThresholdConstraint constraint, ThresholdObjective objective)
        {
            var groups = rows.GroupBy(r => r.Sf).Select(g => g.ToList()).ToArray();
            var curves = groups.Select(g => OperatingPoints(g).Select(c => (Rate(constraint, c, g), ThresholdObjectiveTests.Metric(objective, c, g))).ToArray()).ToArray();
            return new Problem(rows, groups, groups.Select(g => (double)g.Count / rows.Count).ToArray(), curves, constraint, objective);
        }

        public int RuleIndex(ThresholdOptimizerTransformer model, int k) =>
            model.Rules.Select((r, i) => (r, i)).Single(p => p.r.Group.Name == Groups[k][0].Sf).i;

        public double Metric(ThresholdOptimizerTransformer model, int k) =>
            ThresholdObjectiveTests.Metric(Objective, ExpectedCounts(model, Groups[k]), Groups[k]);

        /// <summary>Each group's constrained rate and the objective Σ_a P(A = a)·metric_a, from the rules' expected counts.</summary>
        public (double[] Rates, double Objective) Judge(ThresholdOptimizerTransformer model)
        {
            var rates = Groups.Select(g => Rate(Constraint, ExpectedCounts(model, g), g)).ToArray();
            return (rates, Weights.Select((w, k) => w * Metric(model, k)).Sum());
        }

        /// <summary>
        /// The relaxed optimum over candidate rates X: every operating point's rate, those ± t, and a 1/1000 grid on [0, 1].
        /// Each group's best mix at each candidate (BestAt); then, for each candidate m as the lowest rate, every group at its
        /// best candidate in [m, m + t]. Every choice of candidates with spread ≤ t has its lowest rate in X, so this is the
        /// exact optimum over X.
        /// </summary>
        public double BruteForce(double t)
        {
            var xs = Curves.SelectMany(c => c.SelectMany(p => new[] { p.X, p.X - t, p.X + t }))
                .Concat(Enumerable.Range(0, 1001).Select(i => i / 1000.0))
                .Where(x => x >= 0 && x <= 1).Distinct().Order().ToArray();
            var f = Curves.Select(c => xs.Select(x => BestAt(c, x)).ToArray()).ToArray();
            var best = double.NegativeInfinity;
            for (var i = 0; i < xs.Length; i++)
            {
                var total = 0.0;
                for (var k = 0; k < Curves.Length; k++)
                {
                    var top = double.NegativeInfinity;
                    for (var j = i; j < xs.Length && xs[j] - xs[i] <= t + 1e-12; j++)
                        top = Math.Max(top, f[k][j]);
                    total += Weights[k] * top;
                }
                best = Math.Max(best, total);
            }
            return best;
        }
    }
}
