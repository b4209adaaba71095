using System.Globalization;
using System.Text;

namespace DeepML.Serving;

/// <summary>Writes metrics in the Prometheus text exposition format, version 0.0.4.</summary>
public sealed class PrometheusText
{
    /// <summary>The content type of the format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new();

    /// <summary>Writes the HELP and TYPE lines of a metric family.</summary>
    public PrometheusText Family(string name, string type, string help)
    {
        _text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        return this;
    }

    /// <summary>Writes one sample; <paramref name="labels"/> are name/value pairs.</summary>
    public PrometheusText Sample(string name, double value, params (string Name, string Value)[] labels)
    {
        _text.Append(name);
        if (labels.Length > 0)
        {
            _text.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                if (i > 0)
                    _text.Append(',');
                _text.Append(labels[i].Name).Append("=\"").Append(Escape(labels[i].Value)).Append('"');
            }
            _text.Append('}');
        }
        _text.Append(' ').Append(Number(value)).Append('\n');
        return this;
    }

    /// <summary>Writes a histogram family: cumulative buckets, +Inf, sum and count.</summary>
    public PrometheusText Histogram(string name, string help, Histogram histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        Family(name, "histogram", help);
        var (cumulative, sum) = histogram.Snapshot();
        for (var i = 0; i < histogram.UpperBounds.Count; i++)
            Sample(name + "_bucket", cumulative[i], ("le", Number(histogram.UpperBounds[i])));
        Sample(name + "_bucket", cumulative[^1], ("le", "+Inf"));
        Sample(name + "_sum", sum);
        return Sample(name + "_count", cumulative[^1]);
    }

    /// <inheritdoc />
    public override string ToString() => _text.ToString();

    /// <summary>A number as the format writes it: shortest round-trip form, +Inf, -Inf, NaN.</summary>
    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
