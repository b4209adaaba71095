using System.Globalization;

namespace DeepML.Cli.Data;

/// <summary>
/// Infers a CSV file's separator, header and column kinds from its rows, as <c>mlnet</c> does:
/// a column whose non-missing cells parse as numbers is numeric; a string column with few distinct
/// values is categorical; one with many distinct multi-word values is text; many distinct single
/// tokens are hashed; constants and identifiers (a distinct value in every row) are ignored.
/// </summary>
internal static class CsvSchemaInference
{
    /// <summary>Rows read for inference; the training itself reads the whole file.</summary>
    public const int MaxRows = 200_000;

    /// <summary>Distinct values tracked per column.</summary>
    public const int DistinctCap = 10_000;

    /// <summary>A string column with at most this many distinct values (and at most half the rows), or five times as many in ten times the rows, is categorical.</summary>
    public const int MaxCategories = 200;

    private static readonly char[] Separators = [',', ';', '\t', '|', ' '];

    public static DatasetSchema Infer(string path, bool? hasHeader = null, char? separator = null, int minimumRows = 10)
    {
        if (!File.Exists(path))
            throw new CliException(ExitCodes.BadInput, $"--dataset: file '{Path.GetFullPath(path)}' does not exist. Give the path of a CSV file (optionally .csv.gz).");
        var lines = ReadLines(path);
        if (lines.Count == 0)
            throw new CliException(ExitCodes.BadInput, $"--dataset: '{path}' has no lines. Give a CSV file with a header line and at least 10 data rows.");
        var sep = separator ?? DetectSeparator(lines);
        var rows = lines.Select(l => CsvReading.Split(l, sep)).ToList();
        var width = rows[0].Length;
        var ragged = rows.FindIndex(r => r.Length != width);
        if (ragged >= 0)
            throw new CliException(ExitCodes.BadInput, $"--dataset: line {ragged + 1} of '{path}' has {rows[ragged].Length} fields, but line 1 has {width} (separator '{Printable(sep)}'). " +
                "Fix the file, or give the separator with --separator.");
        var header = hasHeader ?? DetectHeader(rows);
        var names = header ? rows[0].Select((n, i) => string.IsNullOrWhiteSpace(n) ? $"Column{i + 1}" : n.Trim()).ToArray()
            : Enumerable.Range(1, width).Select(i => $"Column{i}").ToArray();
        names = Deduplicate(names);
        var body = header ? rows.Skip(1).ToList() : rows;
        if (body.Count < minimumRows)
            throw new CliException(ExitCodes.BadInput, $"--dataset: '{path}' has {body.Count} data rows; at least {minimumRows} are needed{(minimumRows > 1 ? " to train and test a model" : "")}.");
        var columns = names.Select((n, j) => Describe(n, j, body.Select(r => r[j]).ToList())).ToArray();
        return new DatasetSchema(sep, header, body.Count, columns);
    }

    /// <summary>A name that repeats gets _2, _3, … (files such as ProPublica's COMPAS export repeat column names).</summary>
    internal static string[] Deduplicate(string[] names)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var result = new string[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            var name = names[i];
            for (var k = 2; !seen.Add(name); k++)
                name = $"{names[i]}_{k}";
            result[i] = name;
        }
        return result;
    }

    private static List<string> ReadLines(string path)
    {
        using var reader = CsvReading.OpenText(path);
        var lines = new List<string>();
        while (lines.Count <= MaxRows && reader.ReadLine() is { } line)
        {
            if (line.Trim().Length > 0)
                lines.Add(line);
        }
        return lines;
    }

    /// <summary>The separator that splits the first lines into the same number (&gt; 1) of fields, most fields first.</summary>
    internal static char DetectSeparator(IReadOnlyList<string> lines)
    {
        var probe = lines.Take(50).ToList();
        var best = (sep: ',', fields: 0);
        foreach (var sep in Separators)
        {
            var counts = probe.Select(l => CsvReading.Split(l, sep).Length).Distinct().ToList();
            if (counts.Count == 1 && counts[0] > best.fields && counts[0] > 1)
                best = (sep, counts[0]);
        }
        return best.fields > 1 ? best.sep
            : throw new CliException(ExitCodes.BadInput, "--dataset: no separator (comma, semicolon, tab, '|' or space) splits the first lines into the same number of fields. Give it with --separator.");
    }

    /// <summary>A header when some column is numeric below line 1 but not on line 1; without numeric columns, a header is assumed.</summary>
    internal static bool DetectHeader(IReadOnlyList<string[]> rows)
    {
        var body = rows.Skip(1).Take(1000).ToList();
        var anyNumeric = false;
        for (var j = 0; j < rows[0].Length; j++)
        {
            var values = body.Select(r => r[j]).Where(v => !CsvReading.IsMissing(v)).ToList();
            if (values.Count == 0 || values.Any(v => !IsNumber(v)))
                continue;
            anyNumeric = true;
            if (!IsNumber(rows[0][j]) && !CsvReading.IsMissing(rows[0][j]))
                return true;
        }
        return !anyNumeric;
    }

    private static InferredColumn Describe(string name, int index, List<string> cells)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        int missing = 0, numbers = 0, words = 0, dates = 0;
        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        var integersAscending = true;
        double previous = double.NegativeInfinity;
        foreach (var raw in cells)
        {
            var cell = raw.Trim();
            if (CsvReading.IsMissing(cell))
            {
                missing++;
                continue;
            }
            if (counts.Count < DistinctCap || counts.ContainsKey(cell))
                counts[cell] = counts.GetValueOrDefault(cell) + 1;
            words += cell.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            if (cell.Length >= 8 && (cell.Contains('-') || cell.Contains('/')) && DateTime.TryParse(cell, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                dates++;
            if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x))
            {
                numbers++;
                sum += x;
                min = Math.Min(min, x);
                max = Math.Max(max, x);
                integersAscending &= x == Math.Floor(x) && x > previous;
                previous = x;
            }
        }
        var present = cells.Count - missing;
        var top = counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(10).Select(p => new ValueCount(p.Key, p.Value)).ToArray();
        InferredColumn Make(ColumnKind kind, string reason) => new(name, index, kind, counts.Count, missing, reason)
        {
            TopValues = top,
            AllValues = counts.Count <= 1000 ? [.. counts.Keys] : [],
        };
        if (present == 0)
            return Make(ColumnKind.Ignored, "every cell is missing");
        if (counts.Count == 1)
            return Make(ColumnKind.Ignored, $"constant ('{top[0].Value}')");
        if (numbers == present)
        {
            var summary = new NumericSummary(sum / numbers, min, max);
            return integersAscending && counts.Count == present && present > 100
                ? Make(ColumnKind.Ignored, "an identifier (distinct ascending integers)") with { Numbers = summary }
                : Make(ColumnKind.Numeric, "every value is a number") with { Numbers = summary };
        }
        if (dates >= 0.95 * present)
            return Make(ColumnKind.Ignored, "a date or time (derive a number from it, such as days since an event, to use it)");
        if (counts.Count <= MaxCategories && counts.Count <= Math.Max(2, present / 2) || counts.Count <= 5 * MaxCategories && counts.Count <= present / 10)
            return Make(ColumnKind.Categorical, $"{counts.Count} distinct values");
        if (counts.Count >= 0.95 * present)
            return Make(ColumnKind.Ignored, "an identifier (a distinct value in almost every row)");
        return (double)words / present >= 3
            ? Make(ColumnKind.Text, $"free text ({(double)words / present:F1} words per value)")
            : Make(ColumnKind.HashedCategorical, $"{(counts.Count >= DistinctCap ? "≥ " : "")}{counts.Count} distinct values, too many to one-hot");
    }

    internal static bool IsNumber(string value) =>
        double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x);

    internal static string Printable(char c) => c switch { '\t' => "\\t", ' ' => "space", _ => c.ToString() };
}
