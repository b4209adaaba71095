using TorchSharp;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// The weight initialisation the layer factories share: with <see cref="WeightInitializer.Default"/>, He
/// (Kaiming) uniform when a ReLU-family activation follows the layer, Xavier (Glorot) uniform otherwise;
/// biases start at zero. LeakyReLU's slope enters He's gain.
/// </summary>
public static class TorchInitializers
{
    /// <summary>Initialises a weight (fan-in from its dimensions 1..) and zeroes the bias, under no_grad.</summary>
    /// <param name="weight">The weight, <c>[out, in, ...]</c>.</param>
    /// <param name="bias">The bias, or null.</param>
    /// <param name="context">The scheme and the following activation.</param>
    public static void Apply(Tensor weight, Tensor? bias, TorchInitContext context)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(context);
        using var noGrad = no_grad();
        var next = context.FollowingActivation;
        var scheme = context.Initializer == WeightInitializer.Default
            ? (next is { IsReluFamily: true } ? WeightInitializer.HeUniform : WeightInitializer.XavierUniform)
            : context.Initializer;
        var leaky = next?.Activation == ActivationKind.LeakyRelu;
        var nonlinearity = leaky ? nn.init.NonlinearityType.LeakyReLU : nn.init.NonlinearityType.ReLU;
        var a = leaky ? next!.Alpha : 0;
        switch (scheme)
        {
            case WeightInitializer.XavierUniform: nn.init.xavier_uniform_(weight); break;
            case WeightInitializer.XavierNormal: nn.init.xavier_normal_(weight); break;
            case WeightInitializer.HeUniform: nn.init.kaiming_uniform_(weight, a, nn.init.FanInOut.FanIn, nonlinearity); break;
            case WeightInitializer.HeNormal: nn.init.kaiming_normal_(weight, a, nn.init.FanInOut.FanIn, nonlinearity); break;
        }
        if (bias is not null)
            nn.init.zeros_(bias);
    }
}
