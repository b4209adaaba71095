using Xunit;
using static TorchSharp.torch;

namespace DeepML.Estimators.Tests.Trainers;

/// <summary>A TorchSharp forward pass of a <see cref="NetworkModel"/>'s weights: the training framework's own answer.</summary>
internal static class TorchReference
{
    public static float[] Forward(NetworkModel model, float[] features, int rows)
    {
        TorchRuntime.EnsureLoaded();
        using var network = TorchNetwork.Build(model.Spec);
        using (no_grad())
        {
            var state = network.state_dict();
            foreach (var (name, array) in model.Weights.Arrays)
            {
                using var source = tensor(array.Data, array.Shape.Select(d => (long)d).ToArray());
                state[name].copy_(source);
            }
        }
        network.eval();
        return TorchBatchPredictor.Forward(network, CPU, features, rows, model.InputSize, model.OutputSize);
    }

    public static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var error = Math.Abs((double)expected[i] - actual[i]);
            Assert.True(error <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"Output {i}: expected {expected[i]:R}, got {actual[i]:R} (|error| {error:E2} > {tolerance:E0}).");
        }
    }
}
