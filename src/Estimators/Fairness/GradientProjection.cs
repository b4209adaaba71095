using TorchSharp;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// The predictor's update rule of Zhang, Lemoine &amp; Mitchell (2018), eq. (1), applied to one
/// parameter tensor: <c>g ← g_P − (g_P·û)·û − α·g_A</c> with <c>û = g_A / (‖g_A‖ + 1e-12)</c>
/// (Fairlearn's <c>_pytorch_engine</c>; AIF360 normalises the same way, per tensor). The projection
/// removes the part of the predictor's step that would help the adversary; <c>−α·g_A</c> moves
/// against the adversary.
/// </summary>
internal static class GradientProjection
{
    private const double Tiny = 1e-12;

    /// <summary>Overwrites <paramref name="predictorGradient"/> (g_P) with the debiased gradient; <paramref name="adversaryGradient"/> is g_A, same shape.</summary>
    public static void Apply(Tensor predictorGradient, Tensor adversaryGradient, double alpha)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var one = 1.0.ToScalar();          // every scalar held for its call: see ParameterOptimizer's remarks
        using var tiny = Tiny.ToScalar();
        using var minusOne = (-1.0).ToScalar();
        using var minusAlpha = (-alpha).ToScalar();
        var norm = adversaryGradient.norm().add(tiny, one);    // ‖g_A‖ + tiny, 0-dim
        var unit = adversaryGradient.div(norm);                 // û
        var dot = predictorGradient.mul(unit).sum();            // g_P·û, 0-dim
        predictorGradient.addcmul_(unit, dot, minusOne);        // g_P − (g_P·û)·û
        predictorGradient.add_(adversaryGradient, minusAlpha);  //      − α·g_A
    }
}
