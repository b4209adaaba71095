namespace DeepML.Serving;

/// <summary>
/// A thread-safe Prometheus histogram: counts of observations at or below each upper bound, their sum
/// and their count. Lock-free per observation (one interlocked add per bucket hit and for the count).
/// </summary>
public sealed class Histogram
{
    private readonly double[] _bounds;
    private readonly long[] _counts;   // per bucket, not cumulative; the last is +Inf
    private long _sumBits;

    /// <summary>A histogram over strictly increasing, finite upper bounds.</summary>
    public Histogram(IReadOnlyList<double> upperBounds)
    {
        ArgumentNullException.ThrowIfNull(upperBounds);
        if (upperBounds.Count == 0 || upperBounds.Any(b => !double.IsFinite(b)) || upperBounds.Zip(upperBounds.Skip(1)).Any(p => p.First >= p.Second))
            throw new ArgumentException("Histogram: upperBounds must be a non-empty list of finite, strictly increasing numbers (+Inf is added by itself).", nameof(upperBounds));
        _bounds = upperBounds.ToArray();
        _counts = new long[_bounds.Length + 1];
    }

    /// <summary>The finite upper bounds.</summary>
    public IReadOnlyList<double> UpperBounds => _bounds;

    /// <summary>Records one value.</summary>
    public void Observe(double value)
    {
        var i = Array.BinarySearch(_bounds, value);
        Interlocked.Increment(ref _counts[i >= 0 ? i : ~i]);
        long seen, next;
        do
        {
            seen = Interlocked.Read(ref _sumBits);
            next = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(seen) + value);
        }
        while (Interlocked.CompareExchange(ref _sumBits, next, seen) != seen);
    }

    /// <summary>A consistent-enough snapshot: cumulative counts per bound (the last is +Inf, equal to the count) and the sum.</summary>
    public (long[] Cumulative, double Sum) Snapshot()
    {
        var cumulative = new long[_counts.Length];
        long total = 0;
        for (var i = 0; i < _counts.Length; i++)
            cumulative[i] = total += Interlocked.Read(ref _counts[i]);
        return (cumulative, BitConverter.Int64BitsToDouble(Interlocked.Read(ref _sumBits)));
    }
}
