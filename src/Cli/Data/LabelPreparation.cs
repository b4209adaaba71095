using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Cli.Data;

/// <summary>
/// Turns the file's label column into ML.NET's label column <see cref="Column"/> (Boolean for
/// binary, a key over <see cref="TaskDescription.Classes"/> for multiclass, Single for regression)
/// and drops rows whose label is missing. It runs before the model, not inside it: a saved model
/// never needs the label to score.
/// </summary>
internal static class LabelPreparation
{
    /// <summary>The label column the trainers read.</summary>
    public const string Column = "Label";

    private const string Raw = "__deepml_raw_label";
    private const string CodeColumn = "__deepml_label_code";

    public static IDataView Apply(MLContext ml, IDataView data, TaskDescription task)
    {
        var copy = ml.Transforms.CopyColumns(Raw, task.LabelColumn);
        if (task.Task == TaskKind.Regression)
        {
            var numeric = copy.Append(ml.Transforms.CopyColumns(CodeColumn, Raw)).Fit(data).Transform(data);
            var kept = ml.Data.FilterRowsByMissingValues(numeric, CodeColumn);
            return ml.Transforms.CopyColumns(Column, CodeColumn).Append(ml.Transforms.DropColumns(Raw, CodeColumn)).Fit(kept).Transform(kept);
        }

        var index = task.Classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => (float)p.i, StringComparer.Ordinal);
        var coded = copy.Append(ml.Transforms.CustomMapping<RawLabel, LabelCode>((input, output) =>
        {
            var value = input.Value.ToString().Trim();
            output.Code = index.TryGetValue(value, out var k) ? k : float.NaN;
        }, contractName: null)).Fit(data).Transform(data);
        var present = ml.Data.FilterRowsByMissingValues(coded, CodeColumn);
        IEstimator<ITransformer> label = task.Task == TaskKind.Binary
            ? ml.Transforms.CustomMapping<LabelCode, BinaryLabel>((input, output) => output.Label = input.Code > 0.5f, contractName: null)
            : ml.Transforms.Conversion.MapValueToKey(Column, Raw, keyData: ml.Data.LoadFromEnumerable(task.Classes.Select(c => new ClassName { Value = c })));
        return label.Append(ml.Transforms.DropColumns(Raw, CodeColumn)).Fit(present).Transform(present);
    }

    /// <summary>Rows whose label is missing or not one of the classes, counted for the data summary.</summary>
    public static long DroppedRows(IDataView original, IDataView prepared) =>
        Count(original) - Count(prepared);

    public static long Count(IDataView data)
    {
        if (data.GetRowCount() is { } known)
            return known;
        long n = 0;
        using var cursor = data.GetRowCursor([]);
        while (cursor.MoveNext())
            n++;
        return n;
    }

    private sealed class RawLabel
    {
        [ColumnName(Raw)]
        public ReadOnlyMemory<char> Value { get; set; }
    }

    private sealed class LabelCode
    {
        [ColumnName(CodeColumn)]
        public float Code { get; set; }
    }

    private sealed class BinaryLabel
    {
        [ColumnName(Column)]
        public bool Label { get; set; }
    }

    private sealed class ClassName
    {
        public string Value { get; set; } = "";
    }
}
