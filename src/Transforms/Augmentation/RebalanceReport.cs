using System.Globalization;
using System.Text;

namespace DeepML.Augmentation;

/// <summary>
/// Rows per class before and after a rebalancing verb, in class order (key order, or False then True),
/// with the method and the seed that was used. <see cref="ToString"/> writes a small table.
/// </summary>
public sealed class RebalanceReport
{
    private readonly string[] _classes;

    internal RebalanceReport(string method, int seed, IReadOnlyList<string> classes, IReadOnlyList<long> before, IReadOnlyList<long> after)
    {
        Method = method;
        Seed = seed;
        _classes = classes.ToArray();
        Before = Ordered(_classes, before);
        After = Ordered(_classes, after);
    }

    /// <summary>The verb that made the rows, for example <c>Smote</c>.</summary>
    public string Method { get; }

    /// <summary>The seed used (from the options, or derived from the <c>MLContext</c>).</summary>
    public int Seed { get; }

    /// <summary>The classes present in the input, by name (key value, or <c>False</c>/<c>True</c>), in class order.</summary>
    public IReadOnlyList<string> Classes => _classes;

    /// <summary>Rows per class in the input.</summary>
    public IReadOnlyDictionary<string, long> Before { get; }

    /// <summary>Rows per class in the output.</summary>
    public IReadOnlyDictionary<string, long> After { get; }

    /// <summary>Rows added (positive) or removed (negative) per class.</summary>
    public long Change(string className) => After[className] - Before[className];

    /// <summary>A table: one line per class (before, after), then the totals.</summary>
    public override string ToString()
    {
        var width = Math.Max(5, _classes.Max(c => c.Length));
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Method} (seed {Seed})");
        text.AppendLine(CultureInfo.InvariantCulture, $"{"Class".PadRight(width)}  {"Before",10}  {"After",10}");
        foreach (var c in _classes)
            text.AppendLine(CultureInfo.InvariantCulture, $"{c.PadRight(width)}  {Before[c],10}  {After[c],10}");
        text.Append(CultureInfo.InvariantCulture, $"{"Total".PadRight(width)}  {Before.Values.Sum(),10}  {After.Values.Sum(),10}");
        return text.ToString();
    }

    private static IReadOnlyDictionary<string, long> Ordered(string[] classes, IReadOnlyList<long> counts)
    {
        // Dictionary keeps insertion order while nothing is removed; the view is read only.
        var map = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < classes.Length; i++)
            map.Add(classes[i], counts[i]);
        return new System.Collections.ObjectModel.ReadOnlyDictionary<string, long>(map);
    }
}
