using System.Globalization;
using Xunit;

namespace DeepML.Estimators.Tests.Training;

/// <summary>
/// The schedules' arithmetic, without TorchSharp: each rate against its closed form (computed here
/// from the step count, independently of the scheduler's fractional-epoch clock), reduce on plateau
/// against a hand-worked loss sequence, and every invalid value against its message.
/// </summary>
public class LearningRateScheduleTests
{
    private const double Base = 0.1;

    /// <summary>Every step's rate over a whole run, epoch by epoch (1-based), batch by batch.</summary>
    private static double[][] Rates(LearningRateScheduler scheduler, int epochs, int batches) =>
        Enumerable.Range(1, epochs).Select(e => Enumerable.Range(0, batches).Select(b => scheduler.RateAt(e, b, batches)).ToArray()).ToArray();

    /// <summary>Equal to rounding: 1e-14 relative to the rate or to the base, whichever is larger (1 + cos(πt/T) cancels near t = T).</summary>
    private static void Close(double expected, double actual, string where) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-14 * Math.Max(Math.Abs(expected), Base), $"{where}: expected {expected:R}, got {actual:R}.");

    [Fact]
    public void ConstantIsTheBaseRateExactlyAtEveryStep()
    {
        var rates = Rates(new LearningRateScheduler(LearningRateSchedule.Constant(), 0.003, 5), 5, 7);
        Assert.All(rates.SelectMany(r => r), r => Assert.Equal(0.003, r)); // exact: the default keeps every result bit-identical
        Assert.True(LearningRateSchedule.Constant().IsConstant);
        Assert.False(LearningRateSchedule.Constant().WithWarmUp(1).IsConstant);
        Assert.Equal(LearningRateSchedule.Constant(), new NeuralNetworkOptions().LearningRateSchedule);
    }

    [Fact]
    public void WarmUpRisesLinearlyPerStepFromTheStartFactorThenHandsOver()
    {
        const int W = 3, B = 4, E = 6;
        const double F = 0.2;
        var rates = Rates(new LearningRateScheduler(LearningRateSchedule.Constant().WithWarmUp(W, F), Base, E), E, B);
        for (var e = 1; e <= W; e++)
        {
            for (var b = 0; b < B; b++)
            {
                var step = (e - 1) * B + b; // steps taken before this one
                Close(Base * (F + (1 - F) * step / (double)(W * B)), rates[e - 1][b], $"epoch {e}, batch {b}");
            }
        }
        Assert.Equal(F * Base, rates[0][0], 15);                 // the first step
        Assert.Equal(Base * (F + (1 - F) * 11 / 12.0), rates[2][3], 15); // the last warm-up step, one step short of the base
        Assert.All(rates.Skip(W).SelectMany(r => r), r => Assert.Equal(Base, r));
    }

    [Fact]
    public void StepDecayMultipliesByGammaEveryStepEpochs()
    {
        var rates = Rates(new LearningRateScheduler(LearningRateSchedule.StepDecay(stepEpochs: 2, gamma: 0.5), Base, 7), 7, 3);
        double[] expected = [0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125];
        for (var e = 0; e < expected.Length; e++)
            Assert.All(rates[e], r => Close(expected[e], r, $"epoch {e + 1}")); // per epoch: constant within one

        // After a warm-up of 1 epoch, the decay counts from the warm-up's end.
        var warm = Rates(new LearningRateScheduler(LearningRateSchedule.StepDecay(2, 0.5).WithWarmUp(1, 0.5), Base, 6), 6, 2);
        Close(0.05, warm[0][0], "warm-up, batch 0");
        Close(0.075, warm[0][1], "warm-up, batch 1");
        double[] after = [0.1, 0.1, 0.05, 0.05, 0.025];
        for (var e = 0; e < after.Length; e++)
            Assert.All(warm[e + 1], r => Close(after[e], r, $"epoch {e + 2}"));
    }

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(0, 1e-3)]
    [InlineData(2, 1e-3)]
    public void CosineFollowsTheClosedFormAtEveryStep(int warmUp, double minimum)
    {
        const int E = 6, B = 5;
        var schedule = warmUp > 0 ? LearningRateSchedule.Cosine(minimum).WithWarmUp(warmUp, 0.1) : LearningRateSchedule.Cosine(minimum);
        var rates = Rates(new LearningRateScheduler(schedule, Base, E), E, B);
        var steps = (E - warmUp) * B; // T, in steps
        for (var e = warmUp + 1; e <= E; e++)
        {
            for (var b = 0; b < B; b++)
            {
                var t = (e - 1 - warmUp) * B + b; // steps since the warm-up ended
                var expected = minimum + (Base - minimum) * (1 + Math.Cos(Math.PI * t / steps)) / 2;
                Close(expected, rates[e - 1][b], $"epoch {e}, batch {b}");
            }
        }
        Assert.Equal(Base, rates[warmUp][0], 15);                                        // starts at the base
        Assert.Equal((Base + minimum) / 2, rates[warmUp + (E - warmUp) / 2][0], 15);     // halfway: the mean (E − W is even)
        Assert.InRange(rates[^1][^1], minimum, minimum + (Base - minimum) * 0.01);     // the last step is just above the minimum
        var annealing = rates.Skip(warmUp).SelectMany(r => r).ToArray();
        for (var i = 1; i < annealing.Length; i++)
            Assert.True(annealing[i] < annealing[i - 1], $"Step {i} should be below step {i - 1}.");
    }

    [Fact]
    public void ReduceOnPlateauFollowsAHandWorkedLossSequence()
    {
        // factor 0.5, patience 2, improvement = a drop of more than 0.01 below the best, 1 cooldown epoch, floor 0.02.
        var schedule = LearningRateSchedule.ReduceOnPlateau(factor: 0.5, patience: 2, minDelta: 0.01, cooldown: 1, minimum: 0.02);
        var scheduler = new LearningRateScheduler(schedule, Base, 20);
        (double Loss, double RateAfter)[] epochs =
        [
            (1.00, 0.1),    // 1: best 1.00
            (0.995, 0.1),   // 2: not 0.01 below the best: 1 bad epoch
            (0.98, 0.1),    // 3: improvement: best 0.98, count 0
            (0.975, 0.1),   // 4: 1 bad
            (0.99, 0.05),   // 5: 2 bad = patience: reduce, 1 cooldown epoch
            (0.99, 0.05),   // 6: cooldown: does not count
            (1.00, 0.05),   // 7: 1 bad
            (1.00, 0.025),  // 8: 2 bad: reduce
            (0.50, 0.025),  // 9: improvement during cooldown: best 0.5
            (0.60, 0.025),  // 10: 1 bad
            (0.60, 0.02),   // 11: 2 bad: 0.0125 is below the floor, so 0.02
            (0.60, 0.02),   // 12: cooldown
            (0.60, 0.02),   // 13: 1 bad
            (0.60, 0.02),   // 14: 2 bad, but already at the floor: no reduction
        ];
        var reductions = new List<int>();
        for (var e = 1; e <= epochs.Length; e++)
        {
            Assert.Equal(e == 1 ? Base : epochs[e - 2].RateAfter, scheduler.RateAt(e, 3, 4), 15);
            if (scheduler.EndEpoch(e, epochs[e - 1].Loss) is { } reduced)
            {
                reductions.Add(e);
                Assert.Equal(epochs[e - 1].RateAfter, reduced, 15);
            }
            Assert.Equal(epochs[e - 1].RateAfter, scheduler.RateAt(e + 1, 0, 4), 15);
        }
        Assert.Equal([5, 8, 11], reductions);
    }

    [Fact]
    public void ReduceOnPlateauIgnoresWarmUpEpochsAndNeedsAValidationLoss()
    {
        var scheduler = new LearningRateScheduler(LearningRateSchedule.ReduceOnPlateau(factor: 0.5, patience: 1).WithWarmUp(2, 0.5), Base, 10);
        Assert.Equal(0.05, scheduler.RateAt(1, 0, 2), 15);
        Assert.Null(scheduler.EndEpoch(1, 1.0));   // best 1.0
        Assert.Null(scheduler.EndEpoch(2, 1.0));   // no improvement, but a warm-up epoch: not counted
        Assert.Equal(Base, scheduler.RateAt(3, 0, 2));
        Assert.Equal(0.05, scheduler.EndEpoch(3, 1.0)!.Value, 15); // the first counted epoch without improvement
        Assert.Equal(0.05, scheduler.RateAt(4, 1, 2), 15);
        Assert.Throws<InvalidOperationException>(() => scheduler.EndEpoch(4, null));
        Assert.Null(new LearningRateScheduler(LearningRateSchedule.Cosine(), Base, 3).EndEpoch(1, null)); // other schedules ignore it
    }

    [Fact]
    public void ACheckpointedPlateauContinuesExactlyAsAnUninterruptedOne()
    {
        var schedule = LearningRateSchedule.ReduceOnPlateau(factor: 0.3, patience: 2, minDelta: 0.05, cooldown: 2, minimum: 1e-4);
        var losses = Enumerable.Range(0, 30).Select(i => 1.0 / (1 + i % 7) + 0.01 * (i % 3)).ToArray();
        var whole = new LearningRateScheduler(schedule, Base, 30);
        var expected = new List<double>();
        for (var e = 1; e <= 30; e++)
        {
            whole.EndEpoch(e, losses[e - 1]);
            expected.Add(whole.RateAt(e + 1, 0, 1));
        }
        var first = new LearningRateScheduler(schedule, Base, 30);
        var actual = new List<double>();
        for (var e = 1; e <= 13; e++)
        {
            first.EndEpoch(e, losses[e - 1]);
            actual.Add(first.RateAt(e + 1, 0, 1));
        }
        var second = new LearningRateScheduler(schedule, Base, 30);
        second.Restore(first.Checkpoint()); // what a checkpoint after epoch 13 carries
        for (var e = 14; e <= 30; e++)
        {
            second.EndEpoch(e, losses[e - 1]);
            actual.Add(second.RateAt(e + 1, 0, 1));
        }
        Assert.Equal(expected, actual);
        Assert.True(expected[0] > expected[12] && expected[12] > expected[^1], $"The rate should fall before and after the checkpoint: {string.Join(", ", expected)}.");
        Assert.Null(new LearningRateScheduler(LearningRateSchedule.Constant(), Base, 3).Checkpoint());
    }

    [Fact]
    public void ToStringIsInvariantAndNamesEveryValue()
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE"); // a decimal comma must not reach the checkpoint
        try
        {
            Assert.Equal("Constant()", LearningRateSchedule.Constant().ToString());
            Assert.Equal("Cosine(Minimum=1E-05, WarmUpEpochs=2, WarmUpStartFactor=0.25)", LearningRateSchedule.Cosine(1e-5).WithWarmUp(2, 0.25).ToString());
            Assert.Equal("StepDecay(StepEpochs=3, Gamma=0.5)", LearningRateSchedule.StepDecay(3, 0.5).ToString());
            Assert.Equal("ReduceOnPlateau(Factor=0.2, Patience=4, MinDelta=0.001, Cooldown=1, Minimum=1E-06)",
                LearningRateSchedule.ReduceOnPlateau(0.2, 4, 1e-3, 1, 1e-6).ToString());
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    public static TheoryData<string, Func<LearningRateSchedule>, string> InvalidValues => new()
    {
        { "WarmUpEpochs", () => LearningRateSchedule.Constant().WithWarmUp(-1), "LearningRateSchedule: WarmUpEpochs must be ≥ 0 (0 = no warm-up), got -1. Pass the number of epochs the rate takes to climb to LearningRate." },
        { "WarmUpStartFactor", () => LearningRateSchedule.Cosine().WithWarmUp(2, 0), "LearningRateSchedule: WarmUpStartFactor must be in (0, 1), got 0. Use for example 0.1 to start at a tenth of LearningRate." },
        { "WarmUpStartFactor", () => LearningRateSchedule.Cosine().WithWarmUp(2, 1.5), "LearningRateSchedule: WarmUpStartFactor must be in (0, 1), got 1.5." },
        { "StepEpochs", () => LearningRateSchedule.StepDecay(0), "LearningRateSchedule: StepEpochs must be at least 1, got 0. Pass how many epochs each rate lasts." },
        { "Gamma", () => LearningRateSchedule.StepDecay(5, 1.5), "LearningRateSchedule: Gamma must be in (0, 1), got 1.5. Use for example 0.5 to halve the rate; for a constant rate use LearningRateSchedule.Constant()." },
        { "Gamma", () => LearningRateSchedule.StepDecay(5, double.NaN), "LearningRateSchedule: Gamma must be in (0, 1), got NaN." },
        { "Minimum", () => LearningRateSchedule.Cosine(-1e-5), "LearningRateSchedule: Minimum must be a finite value ≥ 0, got -1E-05. Use 0 or a small rate such as 1e-5." },
        { "Minimum", () => LearningRateSchedule.Cosine(double.PositiveInfinity), "LearningRateSchedule: Minimum must be a finite value ≥ 0, got Infinity." },
        { "Factor", () => LearningRateSchedule.ReduceOnPlateau(factor: 1), "LearningRateSchedule: Factor must be in (0, 1), got 1. Use for example 0.1 or 0.5." },
        { "Patience", () => LearningRateSchedule.ReduceOnPlateau(patience: 0), "LearningRateSchedule: Patience must be at least 1, got 0. Pass how many epochs without improvement to wait before reducing the rate." },
        { "MinDelta", () => LearningRateSchedule.ReduceOnPlateau(minDelta: -0.1), "LearningRateSchedule: MinDelta must be a finite value ≥ 0, got -0.1. Use 0 to count any decrease." },
        { "Cooldown", () => LearningRateSchedule.ReduceOnPlateau(cooldown: -2), "LearningRateSchedule: Cooldown must be ≥ 0 (0 = none), got -2. Pass 0 to start counting again right after a reduction." },
        { "Minimum", () => LearningRateSchedule.ReduceOnPlateau(minimum: double.NaN), "LearningRateSchedule: Minimum must be a finite value ≥ 0, got NaN. Use 0 or a small rate such as 1e-6." },
        { "Gamma", () => LearningRateSchedule.StepDecay(2) with { Gamma = 0 }, "LearningRateSchedule: Gamma must be in (0, 1), got 0." }, // `with` validates too
    };

    [Theory]
    [MemberData(nameof(InvalidValues))]
    public void InvalidValuesThrowNamingTheValueAndTheFix(string option, Func<LearningRateSchedule> make, string message)
    {
        var e = Assert.Throws<ArgumentException>(make);
        Assert.Equal(option, e.ParamName);
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void ANullScheduleIsRejectedNamingTheOption()
    {
        var e = Assert.Throws<ArgumentNullException>(() => new NeuralNetworkOptions { LearningRateSchedule = null! });
        Assert.Equal("LearningRateSchedule", e.ParamName);
        Assert.StartsWith("NeuralNetworkOptions: LearningRateSchedule must not be null; use LearningRateSchedule.Constant() for a constant rate.", e.Message);
    }
}
