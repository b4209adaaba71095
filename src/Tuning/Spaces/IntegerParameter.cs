using System.Globalization;

namespace DeepML.Tuning;

/// <summary>
/// An integer parameter on [<see cref="Low"/>, <see cref="High"/>] in steps of <see cref="Step"/>
/// (values <c>Low + k·Step</c>), uniform or, when <see cref="Log"/>, log-uniform (step 1 only, as in Optuna).
/// </summary>
public sealed class IntegerParameter : SearchParameter
{
    internal IntegerParameter(string name, int low, int high, int step, bool log, ParameterCondition? condition) : base(name, condition)
    {
        CheckRange(name, low, high, log);
        if (step < 1)
            throw new ArgumentException($"SearchSpace: parameter '{name}' has step {step}; expected a step ≥ 1.", name);
        if (log && step != 1)
            throw new ArgumentException($"SearchSpace: parameter '{name}' is log-scaled with step {step}; a log-scaled integer takes step 1. Drop the step or log: true.", name);
        if ((high - low) % step != 0)
            throw new ArgumentException($"SearchSpace: parameter '{name}' has the range [{low}, {high}] that step {step} does not divide; expected high − low to be a multiple of the step. Use high = {low + (high - low) / step * step}.", name);
        (Low, High, Step, IsLog) = (low, high, step, log);
    }

    /// <summary>The smallest value.</summary>
    public int Low { get; }

    /// <summary>The largest value.</summary>
    public int High { get; }

    /// <summary>The spacing of the values.</summary>
    public int Step { get; }

    private bool IsLog { get; }

    /// <inheritdoc />
    public override bool Log => IsLog;

    /// <summary>How many values the parameter takes.</summary>
    public int Count => (High - Low) / Step + 1;

    /// <summary>The nearest legal value to <paramref name="value"/> (rounded to the step, clipped to the range).</summary>
    internal double Snap(double value) => Math.Clamp(Low + Math.Round((value - Low) / Step) * Step, Low, High);

    internal override double SampleUniform(Random random)
    {
        if (!IsLog)
            return Low + random.Next(Count) * Step;
        // Optuna: uniform on [log(low − 0.5), log(high + 0.5)] and rounded, so every value has its log-width share.
        var u = random.NextDouble();
        var x = Math.Exp(Math.Log(Low - 0.5) + u * (Math.Log(High + 0.5) - Math.Log(Low - 0.5)));
        return Snap(x);
    }

    internal override bool Accepts(double value) => value >= Low && value <= High && (value - Low) % Step == 0;

    internal override string Describe() => $"{Name}:int[{Low},{High},step {Step}{(IsLog ? ",log" : "")}]{ConditionText}";

    internal override string Format(double value) => ((long)value).ToString(CultureInfo.InvariantCulture);
}
