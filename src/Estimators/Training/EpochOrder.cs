namespace DeepML;

/// <summary>The seeded orders training draws its rows in: each epoch's shuffle and the validation split.</summary>
internal static class EpochOrder
{
    /// <summary>
    /// The epoch's row order: a Fisher–Yates shuffle seeded from (seed, epoch), so that a run
    /// resumed at any epoch sees the same orders as an uninterrupted one.
    /// </summary>
    public static int[] Shuffled(int rows, int seed, int epoch)
    {
        var rng = Generator(seed, epoch);
        var order = new int[rows];
        for (var i = 0; i < rows; i++)
            order[i] = i;
        for (var i = rows - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>The generator an epoch's shuffle draws from, seeded from (seed, epoch) only.</summary>
    public static Random Generator(int seed, int epoch) => new(unchecked(seed * 1_000_003 + epoch));

    /// <summary>
    /// The validation split's seeded row order (<see cref="NeuralNetworkOptions.ValidationFraction"/>): the first
    /// <see cref="ValidationRows"/> rows of it validate, the rest train, in this order.
    /// </summary>
    public static int[] Split(int rows, int seed)
    {
        // The rows sorted by one random key each, ties in row order: what Enumerable.Range(0, rows).OrderBy(_ => rng.Next())
        // gives (a stable sort), in one array of (key, row) pairs instead of LINQ's four buffers.
        var rng = new Random(unchecked(seed * 31 + 7));
        var keyed = new long[rows];
        for (var i = 0; i < rows; i++)
            keyed[i] = ((long)rng.Next() << 32) | (uint)i;
        Array.Sort(keyed);
        var order = new int[rows];
        for (var i = 0; i < rows; i++)
            order[i] = (int)(keyed[i] & 0xFFFF_FFFF);
        return order;
    }

    /// <summary>How many of <paramref name="rows"/> rows the split holds out: at least one; all of them when that leaves none to train (then every row also trains).</summary>
    public static int ValidationRows(int rows, double fraction) => Math.Max(1, (int)Math.Round(rows * fraction));
}
