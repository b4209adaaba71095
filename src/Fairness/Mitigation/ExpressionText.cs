using System.Globalization;
using System.Text;
using Microsoft.ML.Data;

namespace DeepML.Fairness;

/// <summary>
/// Writes ML.NET <c>Expression</c> transform source. DeepML's fitted mitigators are chains of ML.NET
/// built-in transforms (Expression, CopyColumns, DropColumns, trainers' own transformers), so that
/// <c>ml.Model.Save</c>/<c>Load</c> works through the public API and a saved model loads with plain
/// ML.NET. This class turns fitted parameters into exact literals.
/// </summary>
internal static class ExpressionText
{
    /// <summary>A double literal that round-trips (shortest "R" text, invariant culture); NaN and infinities as quotients.</summary>
    public static string Number(double value)
    {
        if (double.IsNaN(value))
            return "(0.0/0.0)";
        if (double.IsPositiveInfinity(value))
            return "(1.0/0.0)";
        if (double.IsNegativeInfinity(value))
            return "(-1.0/0.0)";
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (!text.Contains('.') && !text.Contains('E'))
            text += ".0";
        return value < 0 ? $"({text})" : text;
    }

    /// <summary>A Single literal, exact for comparisons against a Single column.</summary>
    public static string Single(float value) => $"float({Number(value)})";

    /// <summary>A literal for one value of a sensitive column, as the column's type reads it.</summary>
    public static string Value(DataViewType type, string value)
    {
        if (type is TextDataViewType)
        {
            var sb = new StringBuilder("\"");
            foreach (var ch in value)
                sb.Append(ch switch { '"' => "\\\"", '\\' => "\\\\", _ => ch.ToString() });
            return sb.Append('"').ToString();
        }
        if (type == BooleanDataViewType.Instance)
            return value == "True" ? "true" : "false";
        var number = double.Parse(value, CultureInfo.InvariantCulture);
        return type == NumberDataViewType.Single ? Single((float)number) : Number(number);
    }

    /// <summary>True when an Expression transform can read a sensitive column of this type.</summary>
    public static bool CanRead(DataViewType type) =>
        type is TextDataViewType || type == BooleanDataViewType.Instance || type == NumberDataViewType.Single
        || type == NumberDataViewType.Double || type == NumberDataViewType.Int32 || type == NumberDataViewType.Int64;

    /// <summary>"(p0 == v0 and p1 == v1)" for a group given its values.</summary>
    public static string GroupCondition(IReadOnlyList<string> parameters, IReadOnlyList<DataViewType> types, IReadOnlyList<string> values) =>
        "(" + string.Join(" and ", values.Select((v, k) => $"{parameters[k]} == {Value(types[k], v)}")) + ")";

    /// <summary>A chain of "cond ? value : (...)" ending in <paramref name="otherwise"/>.</summary>
    public static string Cases(IEnumerable<(string Condition, string Value)> cases, string otherwise)
    {
        var sb = new StringBuilder();
        var open = 0;
        foreach (var (condition, value) in cases)
        {
            sb.Append(condition).Append(" ? ").Append(value).Append(" : (");
            open++;
        }
        sb.Append(otherwise).Append(')', open);
        return sb.ToString();
    }
}
