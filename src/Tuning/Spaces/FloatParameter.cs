namespace DeepML.Tuning;

/// <summary>A real-valued parameter, uniform on [<see cref="Low"/>, <see cref="High"/>] or, when <see cref="Log"/>, uniform in log space.</summary>
public sealed class FloatParameter : SearchParameter
{
    internal FloatParameter(string name, double low, double high, bool log, ParameterCondition? condition) : base(name, condition)
    {
        CheckRange(name, low, high, log);
        (Low, High, IsLog) = (low, high, log);
    }

    /// <summary>The smallest value.</summary>
    public double Low { get; }

    /// <summary>The largest value.</summary>
    public double High { get; }

    private bool IsLog { get; }

    /// <inheritdoc />
    public override bool Log => IsLog;

    internal override double SampleUniform(Random random)
    {
        var u = random.NextDouble();
        return IsLog ? Math.Exp(Math.Log(Low) + u * (Math.Log(High) - Math.Log(Low))) : Low + u * (High - Low);
    }

    internal override bool Accepts(double value) => value >= Low && value <= High;

    internal override string Describe() => $"{Name}:float[{Number(Low)},{Number(High)}{(IsLog ? ",log" : "")}]{ConditionText}";

    internal override string Format(double value) => Number(value);
}
