using System.Globalization;
using System.Text.RegularExpressions;

namespace DeepML.Serving.Tests;

/// <summary>
/// A strict reader of the Prometheus text format 0.0.4, written from the format's description (not
/// from the writer): every sample belongs to a family declared by HELP then TYPE before it, names and
/// labels match the grammar, histograms have ascending <c>le</c> buckets ending at +Inf, cumulative,
/// with <c>_count</c> equal to the +Inf bucket.
/// </summary>
public sealed partial class Prometheus
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    public Dictionary<string, string> Types { get; } = [];

    public double Value(string name, params (string Name, string Value)[] labels) =>
        _samples.Single(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value) && s.Labels.Count == labels.Length).Value;

    public IEnumerable<(Dictionary<string, string> Labels, double Value)> Samples(string name) => _samples.Where(s => s.Name == name).Select(s => (s.Labels, s.Value));

    public static Prometheus Parse(string text)
    {
        Assert.EndsWith("\n", text);
        var result = new Prometheus();
        var helped = new HashSet<string>();
        foreach (var line in text.Split('\n')[..^1])
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var name = line.Split(' ')[2];
                Assert.Matches(NameRegex(), name);
                Assert.True(helped.Add(name), $"HELP repeated for {name}");
                continue;
            }
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.Equal(4, parts.Length);
                Assert.Contains(parts[2], helped);
                Assert.Contains(parts[3], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                Assert.True(result.Types.TryAdd(parts[2], parts[3]), $"TYPE repeated for {parts[2]}");
                continue;
            }
            var match = SampleRegex().Match(line);
            Assert.True(match.Success, $"not a sample line: '{line}'");
            var sample = match.Groups["name"].Value;
            var family = result.Types.Keys.SingleOrDefault(f => sample == f || (result.Types[f] == "histogram" && (sample == f + "_bucket" || sample == f + "_sum" || sample == f + "_count")));
            Assert.True(family is not null, $"sample {sample} has no TYPE line before it");
            var labels = LabelRegex().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            result._samples.Add((sample, labels, value));
        }
        foreach (var (family, _) in result.Types.Where(t => t.Value == "histogram"))
        {
            var buckets = result.Samples(family + "_bucket").ToList();
            Assert.True(buckets.Count >= 2, family);
            Assert.Equal("+Inf", buckets[^1].Labels["le"]);
            var bounds = buckets.Select(b => b.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(b.Labels["le"], CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(bounds.Order(), bounds);
            Assert.Equal(bounds.Distinct().Count(), bounds.Count);
            for (var i = 1; i < buckets.Count; i++)
                Assert.True(buckets[i].Value >= buckets[i - 1].Value, $"{family}: bucket le={bounds[i]} is below the one before: not cumulative");
            Assert.Equal(buckets[^1].Value, result.Value(family + "_count"));
            Assert.True(result.Value(family + "_sum") >= 0);
        }
        return result;
    }

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex NameRegex();

    [GeneratedRegex("^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?<labels>[^}]*)\\})? (?<value>\\S+)$")]
    private static partial Regex SampleRegex();

    [GeneratedRegex("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?")]
    private static partial Regex LabelRegex();
}
