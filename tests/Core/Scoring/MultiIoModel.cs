using DeepML.Onnx.Proto;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Core.Tests.Scoring;

/// <summary>A row for <see cref="MultiIoModel"/>: columns named like the model's inputs.</summary>
public sealed class MultiIoRow
{
    /// <summary>Input a.</summary>
    [ColumnName("a"), VectorType(3)] public float[] A { get; set; } = [];

    /// <summary>Input b.</summary>
    [ColumnName("b"), VectorType(3)] public float[] B { get; set; } = [];

    /// <summary>Input x.</summary>
    [ColumnName("x"), VectorType(2)] public double[] X { get; set; } = [];

    /// <summary>Input k, a scalar column for a [N, 1] tensor.</summary>
    [ColumnName("k")] public int K { get; set; }

    /// <summary>Input flag.</summary>
    [ColumnName("flag"), VectorType(1)] public bool[] Flag { get; set; } = [];

    /// <summary>A pass-through column.</summary>
    public int Id { get; set; }
}

/// <summary>The outputs of <see cref="MultiIoModel"/>, named like the model's outputs.</summary>
public sealed class MultiIoOutput
{
    /// <summary>a + b.</summary>
    [ColumnName("sum")] public float[] Sum { get; set; } = [];

    /// <summary>Cast&lt;int64&gt;(x) · 2.</summary>
    [ColumnName("twice")] public long[] Twice { get; set; } = [];

    /// <summary>Σa &gt; 0.</summary>
    [ColumnName("positive")] public bool[] Positive { get; set; } = [];

    /// <summary>x + x.</summary>
    [ColumnName("dx")] public double[] Dx { get; set; } = [];

    /// <summary>k + k.</summary>
    [ColumnName("kk")] public int[] Kk { get; set; } = [];

    /// <summary>Not(flag).</summary>
    [ColumnName("notflag")] public bool[] NotFlag { get; set; } = [];
}

/// <summary>
/// A model with five inputs and six outputs of every supported element type, written with DeepML's own
/// ONNX writer, and its outputs computed independently in C#.
/// </summary>
public static class MultiIoModel
{
    /// <summary>The model's output names, in graph order.</summary>
    public static readonly string[] Outputs = ["sum", "twice", "positive", "dx", "kk", "notflag"];

    /// <summary>The model's input names, in graph order.</summary>
    public static readonly string[] Inputs = ["a", "b", "x", "k", "flag"];

    /// <summary>
    /// a, b: Float [N, 3]; x: Double [N, 2]; k: Int32 [N, 1]; flag: Bool [N, 1] →
    /// sum = a + b; twice = Cast&lt;int64&gt;(x) + Cast&lt;int64&gt;(x); positive = MatMul(a, ones[3, 1]) &gt; 0;
    /// dx = x + x; kk = k + k; notflag = Not(flag). <paramref name="batch"/> is the batch dimension.
    /// </summary>
    public static byte[] Build(object? batch = null)
    {
        batch ??= "N";
        var graph = new OnnxGraph("multi_io");
        graph.AddTypedInput("a", OnnxDataType.Float, batch, 3L);
        graph.AddTypedInput("b", OnnxDataType.Float, batch, 3L);
        graph.AddTypedInput("x", OnnxDataType.Double, batch, 2L);
        graph.AddTypedInput("k", OnnxDataType.Int32, batch, 1L);
        graph.AddTypedInput("flag", OnnxDataType.Bool, batch, 1L);
        graph.Node("sum", "Add", ["a", "b"], "sum");
        var cast = graph.Node("cast", "Cast", ["x"], null, new OnnxAttribute("to", Int: OnnxDataType.Int64));
        graph.Node("twice", "Add", [cast, cast], "twice");
        var total = graph.Node("total", "MatMul", ["a", graph.Constant("ones", [1f, 1f, 1f], 3, 1)]);
        graph.Node("positive", "Greater", [total, graph.Scalar("zero", 0f)], "positive");
        graph.Node("dx", "Add", ["x", "x"], "dx");
        graph.Node("kk", "Add", ["k", "k"], "kk");
        graph.Node("notflag", "Not", ["flag"], "notflag");
        graph.AddTypedOutput("sum", OnnxDataType.Float, batch, 3L);
        graph.AddTypedOutput("twice", OnnxDataType.Int64, batch, 2L);
        graph.AddTypedOutput("positive", OnnxDataType.Bool, batch, 1L);
        graph.AddTypedOutput("dx", OnnxDataType.Double, batch, 2L);
        graph.AddTypedOutput("kk", OnnxDataType.Int32, batch, 1L);
        graph.AddTypedOutput("notflag", OnnxDataType.Bool, batch, 1L);
        return graph.Encode(new OnnxModelHeader(8, 17, "test", "0", []));
    }

    /// <summary>Rows with negative, zero, positive and fractional values.</summary>
    public static List<MultiIoRow> Rows(int count) => Enumerable.Range(0, count).Select(i => new MultiIoRow
    {
        Id = i,
        A = [.. Enumerable.Range(0, 3).Select(j => ((i * 5 + j * 3) % 11 - 5) * 0.5f)],
        B = [.. Enumerable.Range(0, 3).Select(j => ((i * 7 + j) % 5 - 2) * 0.25f)],
        X = [(i % 7 - 3) * 1.3, i % 4 * 2.6 - 3.9],
        K = i * 3 - 10,
        Flag = [i % 3 == 0],
    }).ToList();

    /// <summary>The outputs of one row, computed in C#.</summary>
    public static MultiIoOutput Expected(MultiIoRow row) => new()
    {
        Sum = [.. row.A.Zip(row.B, (a, b) => a + b)],
        Twice = [.. row.X.Select(x => 2 * (long)Math.Truncate(x))],
        Positive = [row.A[0] + row.A[1] + row.A[2] > 0],
        Dx = [.. row.X.Select(x => x + x)],
        Kk = [2 * row.K],
        NotFlag = [!row.Flag[0]],
    };

    /// <summary>Every output column of <paramref name="scored"/> (named <paramref name="names"/>, default the model's) as one string per row.</summary>
    public static List<string> Read(IDataView scored, IReadOnlyList<string>? names = null)
    {
        names ??= Outputs;
        var columns = names.Select(n => scored.Schema[n]).ToArray();
        var result = new List<string>();
        using var cursor = scored.GetRowCursor(columns);
        var getters = columns.Select(c => Reader(cursor, c)).ToArray();
        while (cursor.MoveNext())
            result.Add(string.Join(" | ", getters.Select((g, i) => $"{names[i]}={g()}")));
        return result;
    }

    /// <summary>The expected rows in the format of <see cref="Read"/>.</summary>
    public static List<string> ExpectedRows(IEnumerable<MultiIoRow> rows, IReadOnlyList<string>? names = null, IReadOnlyList<string>? onnxNames = null)
    {
        names ??= Outputs;
        onnxNames ??= names;
        return rows.Select(Expected).Select(o => string.Join(" | ", onnxNames.Select((n, i) => $"{names[i]}={Format(n, o)}"))).ToList();
    }

    /// <summary>Asserts the PredictionEngine output equals the expected one, element by element.</summary>
    public static void AssertEqual(MultiIoOutput expected, MultiIoOutput actual)
    {
        Assert.Equal(expected.Sum, actual.Sum);
        Assert.Equal(expected.Twice, actual.Twice);
        Assert.Equal(expected.Positive, actual.Positive);
        Assert.Equal(expected.Dx, actual.Dx);
        Assert.Equal(expected.Kk, actual.Kk);
        Assert.Equal(expected.NotFlag, actual.NotFlag);
    }

    private static string Format(string output, MultiIoOutput o) => output switch
    {
        "sum" => Join(o.Sum),
        "twice" => Join(o.Twice),
        "positive" => Join(o.Positive),
        "dx" => Join(o.Dx),
        "kk" => Join(o.Kk),
        _ => Join(o.NotFlag),
    };

    private static string Join<T>(IEnumerable<T> values) =>
        "[" + string.Join(", ", values.Select(v => v is float f ? f.ToString("R", System.Globalization.CultureInfo.InvariantCulture)
            : v is double d ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : v!.ToString())) + "]";

    private static Func<string> Reader(DataViewRowCursor cursor, DataViewSchema.Column column) => ((VectorDataViewType)column.Type).ItemType.RawType switch
    {
        var t when t == typeof(float) => Vector<float>(cursor, column),
        var t when t == typeof(double) => Vector<double>(cursor, column),
        var t when t == typeof(long) => Vector<long>(cursor, column),
        var t when t == typeof(int) => Vector<int>(cursor, column),
        _ => Vector<bool>(cursor, column),
    };

    private static Func<string> Vector<T>(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var getter = cursor.GetGetter<VBuffer<T>>(column);
        var value = default(VBuffer<T>);
        return () =>
        {
            getter(ref value);
            return Join(value.DenseValues());
        };
    }
}
