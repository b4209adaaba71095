using System.IO.Compression;
using System.Text;

namespace DeepML.Cli.Data;

/// <summary>Opening a CSV file (plain or gzipped) and splitting its lines into fields the way ML.NET's TextLoader reads them with quoting on.</summary>
internal static class CsvReading
{
    /// <summary>Values that mean "missing" in a CSV cell, compared without case.</summary>
    public static readonly string[] MissingTokens = ["", "?", "NA", "N/A", "NaN", "null", "None"];

    public static bool IsMissing(string value)
    {
        var v = value.Trim();
        foreach (var token in MissingTokens)
        {
            if (string.Equals(v, token, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    public static bool IsGzip(string path) => path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);

    /// <summary>Opens the file for reading as text; a .gz file is decompressed on the fly.</summary>
    public static TextReader OpenText(string path)
    {
        Stream stream = File.OpenRead(path);
        if (IsGzip(path))
            stream = new GZipStream(stream, CompressionMode.Decompress);
        return new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
    }

    /// <summary>Splits one line at <paramref name="separator"/>, honouring double quotes ("" is a quote inside a quoted field).</summary>
    public static string[] Split(string line, char separator)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                    quoted = false;
                else
                    field.Append(c);
            }
            else if (c == '"' && field.Length == 0)
                quoted = true;
            else if (c == separator)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
                field.Append(c);
        }
        fields.Add(field.ToString());
        if (separator == ' ')
            fields.RemoveAll(f => f.Length == 0); // runs of spaces separate once, as TextLoader does
        return [.. fields];
    }
}
