using DeepML;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Core.Tests.Components;

public sealed class SchemaShapesTests
{
    private sealed class Input
    {
        public string Name { get; set; } = "";
        [VectorType(3)] public float[] Vector { get; set; } = [];
        public float Value { get; set; }
        public bool Flag { get; set; }
    }

    private static IDataView Data(MLContext ml) =>
        ml.Data.LoadFromEnumerable([new Input { Name = "a", Vector = [1, 2, 3], Value = 1, Flag = true }, new Input { Name = "b", Vector = [4, 5, 6], Value = 2 }]);

    [Fact]
    public void ShapesEqualThoseMLNetDerivesForTheSameColumns()
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml);
        // ML.NET's own estimators describe their outputs; our shapes of the fitted output schema must agree.
        var estimator = ml.Transforms.Conversion.MapValueToKey("Key", "Name")
            .Append(ml.Transforms.Concatenate("Joined", "Vector", "Value"));
        var theirs = estimator.GetOutputSchema(SchemaShapes.FromSchema(data.Schema));
        var ours = SchemaShapes.FromSchema(estimator.Fit(data).GetOutputSchema(data.Schema));
        foreach (var name in new[] { "Key", "Joined", "Vector", "Value", "Flag", "Name" })
        {
            var t = theirs.Single(c => c.Name == name);
            var o = ours.Single(c => c.Name == name);
            Assert.Equal(t.Kind, o.Kind);
            Assert.Equal(t.ItemType, o.ItemType);
            Assert.Equal(t.IsKey, o.IsKey);
        }
        var key = ours.Single(c => c.Name == "Key");
        Assert.True(key.IsKey);
        Assert.Equal(SchemaShape.Column.VectorKind.Scalar, key.Kind);
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, ours.Single(c => c.Name == "Joined").Kind);
    }

    [Fact]
    public void WithReplacesSameNamedColumnsAndAppendsNewOnes()
    {
        var ml = new MLContext(seed: 1);
        var input = SchemaShapes.FromSchema(Data(ml).Schema);
        var result = SchemaShapes.With(input, [SchemaShapes.Column("Value", BooleanDataViewType.Instance), SchemaShapes.Column("Score", NumberDataViewType.Single)]);
        Assert.Equal(["Name", "Vector", "Value", "Flag", "Score"], result.Select(c => c.Name).ToArray());
        Assert.Equal(BooleanDataViewType.Instance, result.Single(c => c.Name == "Value").ItemType);
    }

    [Fact]
    public void MissingColumnErrorListsTheAvailableColumns()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ColumnChecks.Find(Data(ml).Schema, "Trainer", "feature", "Features"));
        Assert.StartsWith("Trainer: feature column 'Features' was not found. Available columns: 'Name', 'Vector', 'Value', 'Flag'.", e.Message);
    }

    [Fact]
    public void WrongTypeErrorNamesColumnExpectedAndActual()
    {
        var ml = new MLContext(seed: 1);
        var schema = Data(ml).Schema;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ColumnChecks.RequireFloatVector(schema["Name"], "Trainer", "feature"));
        Assert.StartsWith("Trainer: schema mismatch for feature column 'Name': expected known-size vector of Single, got String.", e.Message);
        var size = Assert.Throws<ArgumentOutOfRangeException>(() => ColumnChecks.RequireFloatVector(schema["Vector"], "Trainer", "feature", expectedSize: 5));
        Assert.Contains("expected vector of Single of size 5 (the size the model was trained on), got Vector<Single, 3>", size.Message);
    }
}
