using DeepML;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace DeepML.Estimators.Tests.Fairness;

/// <summary>Zhang et al.'s update g_P − (g_P·û)·û − α·g_A against hand-computed values.</summary>
public sealed class GradientProjectionTests
{
    public GradientProjectionTests() => TorchRuntime.EnsureLoaded();

    private static float[] Project(float[] predictor, float[] adversary, double alpha, long[]? shape = null)
    {
        using var scope = NewDisposeScope();
        var gP = tensor(predictor, shape ?? [predictor.Length]);
        var gA = tensor(adversary, shape ?? [adversary.Length]);
        GradientProjection.Apply(gP, gA, alpha);
        return gP.data<float>().ToArray();
    }

    [Fact]
    public void AxisAlignedAdversaryGradientRemovesThatComponentThenSubtractsAlphaTimesIt()
    {
        // û = (0, 0, 1), g_P·û = 3 → (1, 2, 0); minus 0.5·(0, 0, 2) → (1, 2, −1).
        Assert.Equal([1f, 2f, -1f], Project([1, 2, 3], [0, 0, 2], alpha: 0.5));
    }

    [Fact]
    public void DiagonalAdversaryGradientMatchesTheClosedForm()
    {
        // û = (1, 1)/√2, g_P·û = 7/√2, projection 3.5·(1, 1) → (−0.5, 0.5); minus 2·(1, 1) → (−2.5, −1.5).
        var result = Project([3, 4], [1, 1], alpha: 2);
        Assert.Equal(-2.5f, result[0], 5);
        Assert.Equal(-1.5f, result[1], 5);
    }

    [Fact]
    public void WithAlphaZeroTheResultIsOrthogonalToTheAdversaryGradient()
    {
        // A 2×2 tensor (one weight matrix): the projection works on the flattened tensor.
        float[] gP = [0.3f, -1.2f, 2.0f, 0.7f], gA = [1.5f, 0.5f, -0.25f, 2.0f];
        var result = Project(gP, gA, alpha: 0, shape: [2, 2]);
        var dot = result.Zip(gA, (a, b) => (double)a * b).Sum();
        Assert.Equal(0, dot, 5);
        // and equals g_P − (g_P·g_A / ‖g_A‖²)·g_A computed here in double precision
        var k = gP.Zip(gA, (a, b) => (double)a * b).Sum() / gA.Sum(v => (double)v * v);
        for (var i = 0; i < 4; i++)
            Assert.Equal(gP[i] - k * gA[i], result[i], 5);
    }

    [Fact]
    public void AlphaScalesTheMoveAgainstTheAdversary()
    {
        // After the projection, result·g_A = −α·‖g_A‖² exactly.
        float[] gP = [0.3f, -1.2f, 2.0f], gA = [1.5f, 0.5f, -0.25f];
        var result = Project(gP, gA, alpha: 0.7);
        var dot = result.Zip(gA, (a, b) => (double)a * b).Sum();
        Assert.Equal(-0.7 * gA.Sum(v => (double)v * v), dot, 5);
    }

    [Fact]
    public void AZeroAdversaryGradientLeavesThePredictorGradientUnchanged()
    {
        Assert.Equal([0.3f, -1.2f], Project([0.3f, -1.2f], [0, 0], alpha: 1));
    }
}
