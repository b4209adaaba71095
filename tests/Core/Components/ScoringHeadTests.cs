using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Core.Tests.Components;

/// <summary>ScoringHead: ML.NET's prediction columns per task and the closed forms behind their values.</summary>
public sealed class ScoringHeadTests
{
    [Fact]
    public void BinaryHeadGivesScoreProbabilityAndPredictedLabelWithMLNetAnnotations()
    {
        var columns = new ScoringHead(PredictionKind.BinaryClassification, 1, []).Columns();
        Assert.Equal(["Score", "Probability", "PredictedLabel"], columns.Select(c => c.Name));
        Assert.Equal([NumberDataViewType.Single, NumberDataViewType.Single, (DataViewType)BooleanDataViewType.Instance], columns.Select(c => c.Type));
        Assert.Equal(["BinaryClassification", "BinaryClassification", "BinaryClassification"], columns.Select(c => Text(c.Annotations, "ScoreColumnKind")));
        Assert.Equal(["Score", "Probability", "PredictedLabel"], columns.Select(c => Text(c.Annotations, "ScoreValueKind")));
    }

    [Fact]
    public void MulticlassHeadCarriesTheClassNamesAsSlotNamesAndKeyValues()
    {
        var columns = new ScoringHead(PredictionKind.MulticlassClassification, 3, ["cat", "dog", "owl"]).Columns();
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), columns[0].Type);
        Assert.Equal(new KeyDataViewType(typeof(uint), 3), columns[1].Type);
        Assert.Equal(["cat", "dog", "owl"], Names(columns[0].Annotations, "SlotNames"));
        Assert.Equal(["cat", "dog", "owl"], Names(columns[1].Annotations, "KeyValues"));
        // Class names of the wrong count fall back to "0".."K-1".
        Assert.Equal(["0", "1", "2"], Names(new ScoringHead(PredictionKind.MulticlassClassification, 3, ["x"]).Columns()[0].Annotations, "SlotNames"));
    }

    [Fact]
    public void ShapesAreThoseMLNetDerivesFromTheColumns()
    {
        var head = new ScoringHead(PredictionKind.Regression, 1, []);
        var shape = Assert.Single(head.Shapes());
        Assert.Equal("Score", shape.Name);
        Assert.Equal(SchemaShape.Column.VectorKind.Scalar, shape.Kind);
        Assert.Equal(NumberDataViewType.Single, shape.ItemType);
        Assert.Equal(["ScoreColumnKind", "ScoreValueKind"], shape.Annotations.Select(a => a.Name).Order());
    }

    [Fact]
    public void SigmoidSoftmaxAndArgMaxMatchTheirClosedForms()
    {
        Assert.Equal(0.5f, ScoringHead.Sigmoid(0));
        Assert.Equal(1f / (1f + MathF.Exp(-2f)), ScoringHead.Sigmoid(2), 6);
        var tiny = ScoringHead.Sigmoid(-50);                          // e^-50 / (1 + e^-50) = e^-50 to float precision
        Assert.True(MathF.Abs(tiny - MathF.Exp(-50f)) <= 1e-6f * MathF.Exp(-50f), $"sigmoid(-50) = {tiny:R}, expected e^-50 = {MathF.Exp(-50f):R}");
        Assert.Equal(1f, ScoringHead.Sigmoid(1000));

        var p = new float[3];
        ScoringHead.Softmax([0f, MathF.Log(2f), 1000f - 1000f], p); // e^0 : e^ln2 : e^0 = 1 : 2 : 1
        Assert.Equal([0.25f, 0.5f, 0.25f], p.Select(v => MathF.Round(v, 6)));
        ScoringHead.Softmax([1000f, 1000f], p);                      // large logits stay finite
        Assert.Equal([0.5f, 0.5f], p.Take(2));

        Assert.Equal(2u, ScoringHead.ArgMaxKey([0.1f, 3f, 2f]));
        Assert.Equal(1u, ScoringHead.ArgMaxKey([5f, 5f]));           // ties go to the first class
        Assert.Equal(0u, ScoringHead.ArgMaxKey([0.1f, float.NaN]));   // ML.NET's missing key
    }

    [Fact]
    public void AnInvalidOutputSizeIsRejectedNamingIt()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ScoringHead(PredictionKind.Regression, 0, []));
        Assert.Equal("outputSize", e.ParamName);
        Assert.StartsWith("ScoringHead: outputSize must be at least 1, got 0.", e.Message);
    }

    private static string Text(DataViewSchema.Annotations annotations, string name)
    {
        var value = default(ReadOnlyMemory<char>);
        annotations.GetValue(name, ref value);
        return value.ToString();
    }

    private static string[] Names(DataViewSchema.Annotations annotations, string name)
    {
        var value = default(VBuffer<ReadOnlyMemory<char>>);
        annotations.GetValue(name, ref value);
        return value.DenseValues().Select(v => v.ToString()).ToArray();
    }
}
