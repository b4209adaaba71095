using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// The random source of one training batch's augmentation: a managed generator for the per-example parameters (whether a step
/// applies, offsets, angles, rectangles, mixup's λ and pairing) and a CPU libtorch generator for per-element noise, both seeded
/// from (seed, epoch, batch index) alone, so a resumed run draws exactly what the uninterrupted one drew.
/// </summary>
internal sealed class AugmentationBatch
{
    private readonly Random _random;
    private readonly Generator _generator;

    public AugmentationBatch(int seed, int epoch, int batchIndex, int count, Device device, Generator generator)
    {
        var mixed = Mix(Mix(Mix(0x9E3779B97F4A7C15UL ^ (uint)seed) ^ (uint)epoch) ^ (uint)batchIndex);
        _random = new Random(unchecked((int)(mixed >> 33)));
        _generator = generator;
        _generator.manual_seed(unchecked((long)Mix(mixed)));
        Count = count;
        Device = device;
    }

    /// <summary>Examples in the batch.</summary>
    public int Count { get; }

    /// <summary>Where the batch lives.</summary>
    public Device Device { get; }

    /// <summary>Each feature's training standard deviation [F] on the device (for <see cref="NoiseScale.PerFeatureStandardDeviation"/>); null when no step needs it.</summary>
    public Tensor? FeatureSd { get; init; }

    /// <summary>SplitMix64's finaliser: spreads nearby (seed, epoch, batch) triples over unrelated streams.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>One draw per example: whether a step with <paramref name="probability"/> applies (0 and 1 draw nothing random).</summary>
    public bool[] Applies(double probability)
    {
        var applies = new bool[Count];
        for (var i = 0; i < Count; i++)
            applies[i] = probability >= 1 || (probability > 0 && _random.NextDouble() < probability);
        return applies;
    }

    /// <summary>Uniform in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public double Uniform(double min, double max) => min + (max - min) * _random.NextDouble();

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>], both included.</summary>
    public int Integer(int min, int max) => _random.Next(min, max + 1);

    /// <summary>A uniformly random permutation of 0..n−1 (Fisher–Yates).</summary>
    public long[] Permutation(int n)
    {
        var order = new long[n];
        for (var i = 0; i < n; i++)
            order[i] = i;
        for (var i = n - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>A draw from Beta(α, α), as X / (X + Y) with X, Y ~ Gamma(α) (Marsaglia &amp; Tsang 2000).</summary>
    public double Beta(double alpha)
    {
        var x = Gamma(alpha);
        var y = Gamma(alpha);
        return x + y > 0 ? x / (x + y) : 0.5;
    }

    private double Gamma(double shape)
    {
        if (shape < 1) // Gamma(a) = Gamma(a + 1)·U^(1/a)
            return Gamma(shape + 1) * Math.Pow(1 - _random.NextDouble(), 1 / shape);
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double z, v;
            do
            {
                z = StandardNormal();
                v = 1 + c * z;
            } while (v <= 0);
            v = v * v * v;
            var u = 1 - _random.NextDouble();
            if (Math.Log(u) < 0.5 * z * z + d - d * v + d * Math.Log(v))
                return d * v;
        }
    }

    private double StandardNormal() // Box–Muller
    {
        var u1 = 1 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Standard normal noise of <paramref name="shape"/>, drawn on the CPU (the same values on any device), on the batch's device.</summary>
    public Tensor Normal(long[] shape) => randn(shape, ScalarType.Float32, generator: _generator).to(Device);

    /// <summary>Per-example values as a float tensor [B] on the batch's device.</summary>
    public Tensor Values(double[] values) => tensor(values.Select(v => (float)v).ToArray()).to(Device);

    /// <summary>Per-example whole numbers as a long tensor [B] on the batch's device.</summary>
    public Tensor Indices(long[] values) => tensor(values).to(Device);

    /// <summary>
    /// <paramref name="augmented"/> where <paramref name="applies"/> is true, <paramref name="original"/> elsewhere (both [B, …]);
    /// all true gives <paramref name="augmented"/> itself, all false <paramref name="original"/> itself.
    /// </summary>
    public Tensor Select(bool[] applies, Tensor augmented, Tensor original)
    {
        if (applies.All(a => a))
            return augmented;
        if (!applies.Any(a => a))
            return original;
        var shape = new long[original.dim()];
        Array.Fill(shape, 1L);
        shape[0] = Count;
        using var mask = tensor(applies).to(Device).view(shape);
        return where(mask, augmented, original);
    }
}
