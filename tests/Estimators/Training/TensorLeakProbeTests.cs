using Xunit;
using static TorchSharp.torch;

namespace DeepML.Estimators.Tests.Training;

/// <summary>
/// What <c>Tensor.TotalCount</c> (the live-tensor counter the contract checks use) does around
/// DeepML's own TorchSharp code, measured without garbage collection so that an undisposed
/// intermediate counts as alive.
/// </summary>
public class TensorLeakProbeTests
{
    private static readonly NetworkSpec Spec = Networks.Mlp([8]).Bind(7, new DenseLayer(1));

    [Fact]
    public void CounterStaysOneHigherPerParameterEvenAfterDisposeAndCollection()
    {
        TorchRuntime.EnsureLoaded();
        Collect(); // earlier tests' garbage must not be finalized (and uncounted) during the measurement
        var before = Tensor.TotalCount;
        using (var t = empty(3, 4))
        using (new TorchSharp.Modules.Parameter(t))
        {
        }
        Collect();
        Assert.Equal(1, Tensor.TotalCount - before); // TorchSharp's bias, not a leak: the drift the contract subtracts
        before = Tensor.TotalCount;
        using (TorchNetwork.Build(Spec))
        {
        }
        Assert.Equal(4, Tensor.TotalCount - before); // 4 parameters
    }

    [Fact]
    public void ExportAndInitializeLeaveNoIntermediateTensorAlive()
    {
        TorchRuntime.EnsureLoaded();
        Collect();
        var before = Tensor.TotalCount;
        using (var network = TorchNetwork.Build(Spec))
        {
            manual_seed(1);
            TorchNetwork.Initialize(network, Spec, WeightInitializer.Default);
            var weights = TorchNetwork.Export(network, Spec);
            Assert.Equal([8, 7], weights["0.weight"].Shape);
            using var optimizer = new ParameterOptimizer(network.parameters(), OptimizerKind.Adam, 0.1, 0, 0);
        }
        Assert.Equal(4, Tensor.TotalCount - before); // only the per-parameter drift
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }
}
