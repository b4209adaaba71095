using DeepML.Explainability;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// A fitted DeepML network rebuilt in TorchSharp (eval mode, the model's exact weights) that returns, for a batch of
/// rows, the explained output and its gradient with respect to the inputs. Owns the module; calls are serialised
/// (autograd on one module from several threads at once is not safe).
/// </summary>
internal sealed class NetworkGradients : IDisposable
{
    private readonly Sequential _network;
    private readonly Device _device;
    private readonly Func<Tensor, Tensor> _select;
    private readonly Lock _gate = new();
    private bool _disposed;

    public NetworkGradients(NetworkModel model, ExplainedOutput output, string device, string component)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _select = Selector(model, output, component);
        TorchRuntime.EnsureLoaded();
        _device = TorchRuntime.ResolveTorchDevice(device);
        _network = TorchNetwork.Build(model.Spec);
        try
        {
            TorchNetwork.Load(_network, model.Weights);
            _network.to(_device);
            _network.eval();
        }
        catch
        {
            _network.Dispose();
            throw;
        }
    }

    public NetworkModel Model { get; }

    public Sequential Network => _network;

    public Device Device => _device;

    /// <summary>
    /// The explained output of each of <paramref name="rows"/> rows and, when <paramref name="gradients"/> is given, ∂output/∂input
    /// into it; <paramref name="onForward"/> sees the output before the backward pass, <paramref name="after"/> runs after it.
    /// </summary>
    public double[] Run(ReadOnlySpan<float> inputs, int rows, Span<float> gradients, Action<Tensor>? onForward = null, Action? after = null)
    {
        var size = Model.InputSize;
        var outputs = new double[rows];
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var scope = NewDisposeScope();
            var x = tensor(inputs[..(rows * size)].ToArray(), [rows, size]).to(_device);
            var wantGradient = !gradients.IsEmpty;
            if (wantGradient)
                x.requires_grad_(true);
            using var grad = wantGradient ? enable_grad() : no_grad();
            var y = _select(_network.call(x)); // [rows]
            onForward?.Invoke(y);
            if (wantGradient)
            {
                // Rows are independent in eval mode, so the gradient of the sum is each row's own gradient.
                y.sum().backward();
                x.grad!.to(CPU).contiguous().data<float>().CopyTo(gradients[..(rows * size)]);
                after?.Invoke(); // inside the batch's scope: intermediate tensors and their gradients are still alive
            }
            var values = y.detach().to(ScalarType.Float64).to(CPU).contiguous().data<double>();
            values.CopyTo(outputs);
        }
        return outputs;
    }

    /// <summary>The explained output from the network's raw outputs [N, K], as the scoring columns define it.</summary>
    private static Func<Tensor, Tensor> Selector(NetworkModel model, ExplainedOutput output, string component)
    {
        var choices = model.Task switch
        {
            PredictionKind.BinaryClassification => "Score (the logit) or Probability",
            PredictionKind.MulticlassClassification => $"ExplainedOutput.Class(k) for k in [0, {model.OutputSize - 1}] (the class probability)",
            _ => "Score",
        };
        Func<Tensor, Tensor>? select = (model.Task, output.ColumnName, output.Slot) switch
        {
            (PredictionKind.BinaryClassification, "Score", null) => y => y[.., 0],
            (PredictionKind.BinaryClassification, "Probability", null) => y => y[.., 0].sigmoid(),
            (PredictionKind.MulticlassClassification, "Score", int k) when k >= 0 && k < model.OutputSize => y => y.softmax(1)[.., k],
            (PredictionKind.Regression, "Score", null) => y => y[.., 0],
            _ => null,
        };
        return select ?? throw new ArgumentException($"{component}: cannot explain output {output} of a {model.Task} network; choose {choices}.", nameof(output));
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            _network.Dispose();
        }
    }
}
