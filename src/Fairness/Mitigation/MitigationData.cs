using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Fairness;

/// <summary>The columns a mitigator fits on, read once: binary labels, optional score and weights, groups.</summary>
internal sealed class MitigationData
{
    public required int Rows { get; init; }
    public required byte[] Label { get; init; }
    public double[]? Score { get; init; }
    public double[]? Weight { get; init; }
    public required GroupIndex Index { get; init; }
    public required DataViewSchema.Column[] SensitiveColumns { get; init; }
    public required DataViewType LabelType { get; init; }

    private const string LabelExpected = "Boolean, Single or Double (0/1)", LabelFix = "Binary mitigators need a two-class label; convert it to Boolean.";
    private const string ScoreExpected = "a scalar Single or Double", ScoreFix = "Pass the binary classifier's Score (or Probability) column; multiclass scores are vectors and are not supported.";
    private const string SensitiveExpected = "Text, Boolean, Single, Double, Int32 or Int64", SensitiveFix = "Convert key columns back to their values with ml.Transforms.Conversion.MapKeyToValue.";
    private const string WeightExpected = "Single", WeightFix = "Convert it with ml.Transforms.Conversion.ConvertType(..., DataKind.Single).";

    /// <summary>
    /// Checks the schema (names the column, lists what exists) without reading rows. A null
    /// <paramref name="label"/> skips the label (a fitted transformer does not read it).
    /// </summary>
    public static void CheckSchema(DataViewSchema schema, string component, string? label, string? score, IReadOnlyList<string> sensitive, string? weight)
    {
        if (label is not null)
        {
            var y = ColumnChecks.Find(schema, component, "label", label);
            if (y.Type != BooleanDataViewType.Instance && !FairnessColumnTypes.IsRealScalar(y.Type))
                throw ColumnChecks.Mismatch(component, "label", y, LabelExpected, LabelFix);
        }
        if (score is not null)
        {
            var s = ColumnChecks.Find(schema, component, "score", score);
            if (!FairnessColumnTypes.IsRealScalar(s.Type))
                throw ColumnChecks.Mismatch(component, "score", s, ScoreExpected, ScoreFix);
        }
        foreach (var name in sensitive)
        {
            var c = ColumnChecks.Find(schema, component, "sensitive", name);
            if (!ExpressionText.CanRead(c.Type))
                throw ColumnChecks.Mismatch(component, "sensitive", c, SensitiveExpected, SensitiveFix);
        }
        if (weight is not null)
        {
            var w = ColumnChecks.Find(schema, component, "example weight", weight);
            if (w.Type != NumberDataViewType.Single)
                throw ColumnChecks.Mismatch(component, "example weight", w, WeightExpected, WeightFix);
        }
    }

    /// <summary>The same checks as <see cref="CheckSchema"/> on a schema shape (for <c>GetOutputSchema</c>), with the same messages.</summary>
    public static void CheckShape(SchemaShape shape, string component, string? label, string? score, IReadOnlyList<string> sensitive, string? weight)
    {
        if (label is not null)
            ColumnChecks.Require(shape, component, "label", label,
                c => ColumnChecks.IsScalarOf(c, BooleanDataViewType.Instance, NumberDataViewType.Single, NumberDataViewType.Double), LabelExpected, LabelFix);
        if (score is not null)
            ColumnChecks.Require(shape, component, "score", score, c => ColumnChecks.IsScalarOf(c, NumberDataViewType.Single, NumberDataViewType.Double), ScoreExpected, ScoreFix);
        foreach (var name in sensitive)
            ColumnChecks.Require(shape, component, "sensitive", name,
                c => ColumnChecks.IsScalarOf(c, TextDataViewType.Instance, BooleanDataViewType.Instance, NumberDataViewType.Single,
                    NumberDataViewType.Double, NumberDataViewType.Int32, NumberDataViewType.Int64), SensitiveExpected, SensitiveFix);
        if (weight is not null)
            ColumnChecks.Require(shape, component, "example weight", weight, c => ColumnChecks.IsScalarOf(c, NumberDataViewType.Single), WeightExpected, WeightFix);
    }

    /// <summary>Reads and validates the rows (labels 0/1, finite scores, weights ≥ 0, two or more groups).</summary>
    public static MitigationData Read(IDataView data, string component, string label, string? score, IReadOnlyList<string> sensitive, string? weight, CancellationToken ct = default)
    {
        CheckSchema(data.Schema, component, label, score, sensitive, weight);
        var reader = new ColumnReader();
        var y = reader.AddNumber(data.Schema[label]);
        var s = score is null ? null : reader.AddNumber(data.Schema[score]);
        var w = weight is null ? null : reader.AddNumber(data.Schema[weight]);
        var cats = sensitive.Select(n => reader.AddCategory(data.Schema[n])).ToArray();
        var rows = reader.Read(data, ct);
        RequireRowsAndGroups(component, rows, cats);
        var labels = new byte[rows];
        for (var i = 0; i < rows; i++)
            labels[i] = y.Values[i] switch
            {
                1 => 1,
                0 or -1 => 0,
                var v => throw new ArgumentException($"{component}: label column '{label}' has value {v} at row {i}; {FairnessErrors.BadBinaryValue}", nameof(data)),
            };
        if (s is not null)
            for (var i = 0; i < rows; i++)
                if (!double.IsFinite(s.Values[i]))
                    throw new ArgumentException($"{component}: score column '{score}' has value {s.Values[i]} at row {i}; expected finite scores. Drop rows with missing features before scoring.", nameof(data));
        if (w is not null)
            for (var i = 0; i < rows; i++)
                if (!(w.Values[i] >= 0) || double.IsInfinity(w.Values[i]))
                    throw new ArgumentException($"{component}: example weight column '{weight}' has value {w.Values[i]} at row {i}; {FairnessErrors.BadWeight}", nameof(data));
        return new MitigationData
        {
            Rows = rows, Label = labels, Score = s?.Values, Weight = w?.Values, Index = GroupIndex.Build(cats, rows),
            SensitiveColumns = cats.Select(c => c.Column).ToArray(), LabelType = data.Schema[label].Type,
        };
    }

    private const string RegressionLabelExpected = "Single or Double", RegressionLabelFix = "Convert it with ml.Transforms.Conversion.ConvertType(..., DataKind.Single).";

    /// <summary>Checks a regression label column (Single or Double), on a schema or a shape, with the same message.</summary>
    public static void CheckRegressionLabel(DataViewSchema schema, string component, string label)
    {
        var y = ColumnChecks.Find(schema, component, "label", label);
        if (y.Type != NumberDataViewType.Single && y.Type != NumberDataViewType.Double)
            throw ColumnChecks.Mismatch(component, "label", y, RegressionLabelExpected, RegressionLabelFix);
    }

    /// <inheritdoc cref="CheckRegressionLabel(DataViewSchema, string, string)"/>
    public static void CheckRegressionLabel(SchemaShape shape, string component, string label) =>
        ColumnChecks.Require(shape, component, "label", label,
            c => ColumnChecks.IsScalarOf(c, NumberDataViewType.Single, NumberDataViewType.Double), RegressionLabelExpected, RegressionLabelFix);

    /// <summary>Reads a real-valued label (finite values only) and the groups; two or more groups per sensitive column.</summary>
    public static (double[] Label, GroupIndex Index) ReadRegression(IDataView data, string component, string label, IReadOnlyList<string> sensitive, CancellationToken ct)
    {
        CheckRegressionLabel(data.Schema, component, label);
        CheckSchema(data.Schema, component, null, null, sensitive, null);
        var reader = new ColumnReader();
        var y = reader.AddNumber(data.Schema[label]);
        var cats = sensitive.Select(n => reader.AddCategory(data.Schema[n])).ToArray();
        var rows = reader.Read(data, ct);
        RequireRowsAndGroups(component, rows, cats);
        for (var i = 0; i < rows; i++)
            if (!double.IsFinite(y.Values[i]))
                throw new ArgumentException($"{component}: label column '{label}' has value {y.Values[i]} at row {i}; expected finite labels. Drop or impute rows with missing labels first.", nameof(data));
        return (y.Values, GroupIndex.Build(cats, rows));
    }

    /// <summary>The Expression parameter reading a label as a Boolean condition.</summary>
    public static string LabelIsPositive(string parameter, DataViewType labelType) =>
        labelType == BooleanDataViewType.Instance ? parameter : $"{parameter} == 1";

    /// <summary>Fails on no rows, or on a sensitive column with a single value (no groups to compare).</summary>
    private static void RequireRowsAndGroups(string component, int rows, IEnumerable<CategoryColumn> cats)
    {
        if (rows == 0)
            throw new ArgumentException($"{component}: {FairnessErrors.NoRows}", "data");
        foreach (var c in cats)
            if (c.Levels.Count < 2)
                throw new ArgumentException($"{component}: sensitive column '{c.Column.Name}' {FairnessErrors.SingleGroup} (only value '{c.Levels[0]}' in {rows} rows)", "data");
    }
}
