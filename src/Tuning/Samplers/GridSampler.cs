namespace DeepML.Tuning;

/// <summary>
/// Every point of the Cartesian product of the parameters' values, each once, in a seeded shuffled order.
/// Categoricals give their choices, integers their values (or <see cref="PointsPerRange"/> evenly spaced ones when
/// there are more), floats <see cref="PointsPerRange"/> evenly spaced points (in log space for log parameters).
/// Inactive conditional parameters collapse, so a point is counted once. Each point goes to one trial even across
/// processes: the storage claims trials in a transaction that sees every trial so far, and the grid proposes the
/// first point no stored trial holds; when all are taken, the study ends.
/// </summary>
public sealed class GridSampler : ISampler
{
    /// <summary>A grid sampler with <paramref name="pointsPerRange"/> points per float range (≥ 2, default 5).</summary>
    public GridSampler(int pointsPerRange = 5)
    {
        if (pointsPerRange < 2)
            throw new ArgumentException($"GridSampler: pointsPerRange must be at least 2, got {pointsPerRange}.", nameof(pointsPerRange));
        PointsPerRange = pointsPerRange;
    }

    /// <summary>Points per float range (and per integer range with more values).</summary>
    public int PointsPerRange { get; }

    /// <inheritdoc />
    public ParameterSet? Sample(SamplingContext context)
    {
        var points = Points(context.Space);
        var taken = context.Trials.Select(t => Key(t.Parameters.Values)).ToHashSet(StringComparer.Ordinal);
        // A shuffle fixed by the study's seed, not by the trial number, so every process walks the same order.
        var order = Enumerable.Range(0, points.Count).ToArray();
        SamplingContext.RandomFor(context.Seed, -1).Shuffle(order);
        foreach (var index in order)
            if (!taken.Contains(Key(points[index])))
                return new ParameterSet(context.Space, points[index]);
        return null;
    }

    /// <summary>Every point of the grid, in the space's lexicographic order.</summary>
    internal List<Dictionary<string, double>> Points(SearchSpace space)
    {
        var points = new List<Dictionary<string, double>> { new(StringComparer.Ordinal) };
        foreach (var parameter in space.Parameters)
        {
            var next = new List<Dictionary<string, double>>();
            foreach (var point in points)
            {
                if (!space.IsActive(parameter, point))
                {
                    next.Add(point);
                    continue;
                }
                foreach (var value in Values(parameter))
                    next.Add(new Dictionary<string, double>(point, StringComparer.Ordinal) { [parameter.Name] = value });
            }
            points = next;
        }
        return points;
    }

    /// <summary>The grid values of one parameter.</summary>
    internal IEnumerable<double> Values(SearchParameter parameter) => parameter switch
    {
        CategoricalParameter c => Enumerable.Range(0, c.Choices.Count).Select(i => (double)i),
        IntegerParameter i when i.Count <= PointsPerRange => Enumerable.Range(0, i.Count).Select(k => (double)(i.Low + k * i.Step)),
        IntegerParameter i => Spaced(i.Low, i.High, i.Log).Select(i.Snap).Distinct(),
        FloatParameter f => Spaced(f.Low, f.High, f.Log),
        _ => throw new NotSupportedException(parameter.GetType().Name),
    };

    private IEnumerable<double> Spaced(double low, double high, bool log)
    {
        var (a, b) = log ? (Math.Log(low), Math.Log(high)) : (low, high);
        for (var k = 0; k < PointsPerRange; k++)
        {
            var x = a + (b - a) * k / (PointsPerRange - 1);
            yield return k == PointsPerRange - 1 ? high : k == 0 ? low : log ? Math.Exp(x) : x;
        }
    }

    private static string Key(IReadOnlyDictionary<string, double> values) =>
        string.Join(";", values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={ParameterSet.Invariant(v.Value)}"));
}
