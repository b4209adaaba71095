using DeepML.Explainability;

namespace DeepML.Transforms.Tests.Explainability;

public sealed class AttributionsTests
{
    [Fact]
    public void Additivity_gap_and_global_importance_follow_their_definitions()
    {
        // Row 0: 0.5 + (1 − 2) = −0.5, output −0.25 → gap 0.25; row 1: 0.5 + (−3 + 0.5) = −2, output −2 → gap 0.
        var a = new Attributions("test", ["a", "b"], 0.5, [[1, -2], [-3, 0.5]], [-0.25, -2]);
        Assert.Equal(0.25, a.MaxAdditivityGap, 12);
        var global = a.GlobalImportance();
        Assert.Equal(["a", "b"], global.Features.Select(f => f.Feature));
        Assert.Equal(2.0, global.Features[0].MeanAbsoluteAttribution, 12);   // (1 + 3) / 2
        Assert.Equal(1.25, global.Features[1].MeanAbsoluteAttribution, 12);  // (2 + 0.5) / 2
    }

    [Fact]
    public void Non_additive_methods_have_no_gap_and_shapes_are_checked()
    {
        Assert.True(double.IsNaN(new Attributions("saliency", ["a"], 0, [[1]], [3], isAdditive: false).MaxAdditivityGap));
        var e = Assert.Throws<ArgumentException>(() => new Attributions("x", ["a", "b"], 0, [[1]], [1]));
        Assert.Contains("row 0 has 1 values for 2 features", e.Message);
        Assert.Throws<ArgumentException>(() => new Attributions("x", ["a"], 0, [[1]], [1, 2]));
        Assert.Throws<InvalidOperationException>(() => new Attributions("x", ["a"], 0, [], []).GlobalImportance());
    }
}
