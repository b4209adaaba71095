using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Serving.Tests;

/// <summary>The runtime-schema IDataView and the JSON reader, checked against ML.NET's own LoadFromEnumerable and CreateEnumerable.</summary>
public sealed class RowDataViewTests
{
    private const string Rows = """
        [{"F": 1.5, "D": -2.25, "I": 7, "L": 9007199254740993, "B": true, "S": "a", "V": [1, 2, 3], "T": ["x", "y"]},
         {"F": 3.4028235e38, "D": 1e-300, "I": -2147483648, "L": -1, "B": false, "S": "", "V": [0.1, -0.2, 0.3], "T": ["", "z"]}]
        """;

    private static readonly AllTypes[] Expected =
    [
        new() { F = 1.5f, D = -2.25, I = 7, L = 9007199254740993, B = true, S = "a", V = [1, 2, 3], T = ["x", "y"] },
        new() { F = float.MaxValue, D = 1e-300, I = int.MinValue, L = -1, B = false, S = "", V = [0.1f, -0.2f, 0.3f], T = ["", "z"] },
    ];

    [Fact]
    public void Rows_read_back_through_MLNET_equal_the_json()
    {
        var (ml, schema) = Schema();
        var rows = RequestParser.TryParse(Encoding.UTF8.GetBytes(Rows), schema, 10, out var errors);
        Assert.Empty(errors);
        var view = new RowDataView(schema, rows!.Rows);
        Assert.Equal(2, view.GetRowCount());
        var back = ml.Data.CreateEnumerable<AllTypes>(view, reuseRowObject: false).ToArray();
        Assert.Equal(Expected.Select(Text), back.Select(Text));
        // Twice: a second cursor reads the same rows.
        Assert.Equal(Expected.Select(Text), ml.Data.CreateEnumerable<AllTypes>(view, reuseRowObject: false).Select(Text));
    }

    [Fact]
    public void A_pipeline_over_the_view_gives_what_it_gives_over_LoadFromEnumerable()
    {
        var (ml, schema) = Schema();
        var rows = RequestParser.TryParse(Encoding.UTF8.GetBytes(Rows), schema, 10, out _)!;
        var pipeline = ml.Transforms.Conversion.ConvertType("Dl", "L", DataKind.Single).Append(ml.Transforms.Concatenate("All", "F", "Dl", "V"))
            .Append(ml.Transforms.Text.FeaturizeText("Words", "S"));
        var model = pipeline.Fit(ml.Data.LoadFromEnumerable(Expected));
        var viaView = model.Transform(new RowDataView(schema, rows.Rows)).GetColumn<float[]>("All").ToArray();
        var viaEnumerable = model.Transform(ml.Data.LoadFromEnumerable(Expected)).GetColumn<float[]>("All").ToArray();
        Assert.Equal(viaEnumerable, viaView);
    }

    [Fact]
    public void Vector_and_range_errors_name_the_column_and_the_expected_shape()
    {
        var (_, schema) = Schema();
        var json = """{"F": 1, "D": 1, "I": 2.5, "L": 1, "B": 1, "S": "a", "V": [1, 2], "T": ["x", 3]}""";
        Assert.Null(RequestParser.TryParse(Encoding.UTF8.GetBytes(json), schema, 10, out var errors));
        Assert.Equal([
            "Row 0, column 'I': 2.5 does not fit in Int32.",
            "Row 0, column 'B': expected Boolean (a JSON true or false), got a JSON number.",
            "Row 0, column 'V': expected a JSON array of 3 values (Vector<Single, 3>), got 2.",
            "Row 0, column 'T': expected String items (a JSON string), got a JSON number.",
        ], errors);
        Assert.Null(RequestParser.TryParse(Encoding.UTF8.GetBytes("""{"F": 1e39, "D": 1, "I": 1, "L": 1, "B": true, "S": "a", "V": 1, "T": ["x", "y"]}"""), schema, 10, out errors));
        Assert.Equal(["Row 0, column 'F': 1e39 does not fit in Single.", "Row 0, column 'V': expected Vector<Single, 3> (a JSON array of 3 number values), got a JSON number."], errors);
    }

    [Fact]
    public void The_cursor_says_what_was_asked_wrongly()
    {
        var (_, schema) = Schema();
        var rows = RequestParser.TryParse(Encoding.UTF8.GetBytes(Rows), schema, 10, out _)!;
        var view = new RowDataView(schema, rows.Rows);
        using var cursor = view.GetRowCursor([view.Schema["F"]]);
        var e = Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<double>(view.Schema["F"]));
        Assert.Equal("RowDataView: column 'F' holds Single (Single); a getter of Double was asked for. Ask for Single.", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<double>(view.Schema["D"]));
        Assert.Equal("RowDataView: column 'D' was not requested when the cursor was made. Pass it in columnsNeeded.", e.Message);
        var getter = cursor.GetGetter<float>(view.Schema["F"]);
        float value = 0;
        e = Assert.Throws<InvalidOperationException>(() => getter(ref value));
        Assert.Equal("RowDataView: the cursor is not on a row. Call MoveNext first and read only while it returns true.", e.Message);
        Assert.True(cursor.MoveNext());
        getter(ref value);
        Assert.Equal(1.5f, value);
        Assert.True(cursor.MoveNext());
        Assert.False(cursor.MoveNext());
        Assert.False(cursor.MoveNext());
    }

    [Fact]
    public void Columns_the_model_does_not_read_are_left_out_and_ignored()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Expected);
        var model = ml.Transforms.CopyColumns("F2", "F").Fit(data);
        var schema = RequestSchema.For(model, data.Schema);
        Assert.Equal("F (Single)", schema.Describe());
        Assert.Equal(["B", "D", "I", "L", "S", "T", "V"], schema.Ignored.Order(StringComparer.Ordinal));
        var rows = RequestParser.TryParse(Encoding.UTF8.GetBytes("""{"F": 2, "S": 5}"""), schema, 10, out var errors);
        Assert.Empty(errors);
        Assert.Equal(2f, rows!.Rows[0][0]);
    }

    /// <summary>A model that reads every column (one copy each), so that the request schema holds them all.</summary>
    private static (MLContext Ml, RequestSchema Schema) Schema()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Expected);
        var names = new[] { "F", "D", "I", "L", "B", "S", "V", "T" };
        IEstimator<ITransformer> copies = ml.Transforms.CopyColumns("FCopy", "F");
        foreach (var name in names.Skip(1))
            copies = copies.Append(ml.Transforms.CopyColumns(name + "Copy", name));
        var model = copies.Fit(data);
        var schema = RequestSchema.For(model, data.Schema);
        Assert.Equal("F (Single), D (Double), I (Int32), L (Int64), B (Boolean), S (String), V (Vector<Single, 3>), T (Vector<String, 2>)", schema.Describe());
        return (ml, schema);
    }

    private static string Text(AllTypes r) => $"{r.F:R}|{r.D:R}|{r.I}|{r.L}|{r.B}|{r.S}|{string.Join(",", r.V.Select(v => v.ToString("R")))}|{string.Join(",", r.T)}";

    public sealed class AllTypes
    {
        public float F { get; set; }

        public double D { get; set; }

        public int I { get; set; }

        public long L { get; set; }

        public bool B { get; set; }

        public string S { get; set; } = "";

        [VectorType(3)]
        public float[] V { get; set; } = [];

        [VectorType(2)]
        public string[] T { get; set; } = [];
    }
}
