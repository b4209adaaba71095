using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Core.Tests.Components;

/// <summary>The one wording of DeepML's schema errors, word for word, as the kit's docs promise it.</summary>
public sealed class ColumnChecksTests
{
    private sealed class Row
    {
        public string Name { get; set; } = "";
        [VectorType(3)] public float[] Vector { get; set; } = [];
        public float Value { get; set; }
        public double Ratio { get; set; }
    }

    private static readonly MLContext Ml = new(seed: 1);

    private static IDataView Data() => Ml.Data.LoadFromEnumerable([new Row { Name = "a", Vector = [1, 2, 3], Value = 1, Ratio = 0.5 }]);

    private static SchemaShape Shape() => SchemaShapes.FromSchema(Data().Schema);

    [Fact]
    public void NotFoundMessageIsWordForWordTheDocumentedOne()
    {
        Assert.Equal("MyTrainer: label column 'Label' was not found. Available columns: 'A', 'B'. Pass the right column name in the options or add the column to the pipeline.",
            ColumnChecks.NotFoundMessage("MyTrainer", "label", "Label", ["A", "B", "A"]));
        Assert.Equal("MyTrainer: label column 'Label' was not found. Available columns: (none). Pass the right column name in the options or add the column to the pipeline.",
            ColumnChecks.NotFoundMessage("MyTrainer", "label", "Label", []));
    }

    [Fact]
    public void MismatchMessageIsWordForWordTheDocumentedOne()
    {
        Assert.Equal("MyTrainer: schema mismatch for label column 'Label': expected Boolean, got String. Map it to Boolean first.",
            ColumnChecks.MismatchMessage("MyTrainer", "label", "Label", "Boolean", "String", "Map it to Boolean first."));
    }

    [Fact]
    public void FindOnASchemaAndOnAShapeGiveTheSameErrorAndNameTheColumnAsParameter()
    {
        const string expected = "MyTrainer: feature column 'Features' was not found. Available columns: 'Name', 'Vector', 'Value', 'Ratio'. " + ColumnChecks.NotFoundFix;
        var onSchema = Assert.Throws<ArgumentOutOfRangeException>(() => ColumnChecks.Find(Data().Schema, "MyTrainer", "feature", "Features"));
        var onShape = Assert.Throws<ArgumentOutOfRangeException>(() => ColumnChecks.Find(Shape(), "MyTrainer", "feature", "Features"));
        Assert.Equal(expected, onSchema.Message.Split(" (Parameter")[0]);
        Assert.Equal(expected, onShape.Message.Split(" (Parameter")[0]);
        Assert.Equal("Features", onSchema.ParamName);
        Assert.Equal("Features", onShape.ParamName);
    }

    [Fact]
    public void FindSkipsHiddenColumnsAndReturnsTheVisibleOne()
    {
        // Two columns named "Value": the original is hidden by the copy, which Find must return.
        var data = Ml.Transforms.CopyColumns("Value", "Ratio").Fit(Data()).Transform(Data());
        var found = ColumnChecks.Find(data.Schema, "MyTrainer", "label", "Value");
        Assert.Equal(NumberDataViewType.Double, found.Type);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ColumnChecks.Find(data.Schema, "MyTrainer", "label", "Missing"));
        Assert.Contains("Available columns: 'Name', 'Vector', 'Value', 'Ratio'.", e.Message);
    }

    [Fact]
    public void RequireAcceptsOrThrowsTheMismatchWithTheShapeDescription()
    {
        var shape = Shape();
        var value = ColumnChecks.Require(shape, "MyTrainer", "example weight", "Value", c => ColumnChecks.IsScalarOf(c, NumberDataViewType.Single), "Single", "Convert it.");
        Assert.Equal("Value", value.Name);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ColumnChecks.Require(shape, "MyTrainer", "example weight", "Vector", c => ColumnChecks.IsScalarOf(c, NumberDataViewType.Single), "Single", "Convert it."));
        Assert.Equal("MyTrainer: schema mismatch for example weight column 'Vector': expected Single, got Vector<Single>. Convert it.", e.Message.Split(" (Parameter")[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            ColumnChecks.Require(shape, "MyTrainer", "example weight", "Nope", _ => true, "Single", "Convert it."));
    }

    [Fact]
    public void RequireFloatVectorUsesTheSameWordingOnSchemaAndShape()
    {
        var schema = Data().Schema;
        var atFit = Assert.Throws<ArgumentOutOfRangeException>(() => ColumnChecks.RequireFloatVector(schema["Ratio"], "MyTrainer", "feature"));
        var atShape = Assert.Throws<ArgumentOutOfRangeException>(() => ColumnChecks.RequireFloatVector(Shape().Single(c => c.Name == "Ratio"), "MyTrainer", "feature"));
        var expected = $"MyTrainer: schema mismatch for feature column 'Ratio': expected {ColumnChecks.FloatVectorExpected}, got Double. {ColumnChecks.FloatVectorFix}";
        Assert.Equal(expected, atFit.Message.Split(" (Parameter")[0]);
        Assert.Equal(expected, atShape.Message.Split(" (Parameter")[0]);
        Assert.Equal(3, ColumnChecks.RequireFloatVector(schema["Vector"], "MyTrainer", "feature"));
    }

    [Fact]
    public void DescribeWritesTypesAndShapesAsTheMessagesShowThem()
    {
        Assert.Equal("String", ColumnChecks.Describe(TextDataViewType.Instance));
        Assert.Equal("Single", ColumnChecks.Describe(NumberDataViewType.Single));
        Assert.Equal("Vector<Single, 14>", ColumnChecks.Describe(new VectorDataViewType(NumberDataViewType.Single, 14)));
        Assert.Equal("Vector<Single> of unknown size", ColumnChecks.Describe(new VectorDataViewType(NumberDataViewType.Single)));
        Assert.Equal("Key<UInt32, 3>", ColumnChecks.Describe(new KeyDataViewType(typeof(uint), 3)));
        Assert.Equal("Key<UInt32>", ColumnChecks.Describe(SchemaShapes.Column("K", new KeyDataViewType(typeof(uint), 3))));
        Assert.Equal("Vector<Single>", ColumnChecks.Describe(SchemaShapes.Column("V", new VectorDataViewType(NumberDataViewType.Single, 3))));
        Assert.Equal("Vector<String> of unknown size", ColumnChecks.Describe(SchemaShapes.Column("T", new VectorDataViewType(TextDataViewType.Instance))));
    }

    [Fact]
    public void IsScalarOfRejectsVectorsAndKeys()
    {
        Assert.True(ColumnChecks.IsScalarOf(SchemaShapes.Column("a", NumberDataViewType.Single), NumberDataViewType.Single, NumberDataViewType.Double));
        Assert.False(ColumnChecks.IsScalarOf(SchemaShapes.Column("a", NumberDataViewType.Int32), NumberDataViewType.Single));
        Assert.False(ColumnChecks.IsScalarOf(SchemaShapes.Column("a", new VectorDataViewType(NumberDataViewType.Single, 2)), NumberDataViewType.Single));
        Assert.False(ColumnChecks.IsScalarOf(SchemaShapes.Column("a", new KeyDataViewType(typeof(uint), 2)), NumberDataViewType.UInt32));
    }
}
