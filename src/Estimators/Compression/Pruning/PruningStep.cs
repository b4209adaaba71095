using System.Globalization;
using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// Magnitude pruning as a training add-on (<see cref="ITrainingExtension"/>): <see cref="ITrainingExtension.EndEpoch"/> recomputes
/// the masks on the schedule (<see cref="PruningOptions"/>; an epoch-0 update runs in <see cref="ITrainingExtension.BeforeForward"/>
/// of the first step) and applies them; <see cref="ITrainingExtension.AfterStep"/> multiplies every pruned weight by its mask after
/// each optimizer step, so it stays exactly 0; <see cref="ITrainingExtension.Settled"/> keeps early stopping from keeping an epoch
/// before the schedule's end. Checkpoint: the masks as <c>pruning/&lt;weight name&gt;</c> tensors, and in the header part the options,
/// the pruned tensors' names, the epoch of the last update and its sparsity.
/// </summary>
internal sealed class PruningStep : ITrainingExtension
{
    /// <summary>The checkpoint part's key.</summary>
    public const string PartName = "Pruning";

    /// <summary>The prefix of the masks' checkpoint tensors.</summary>
    public const string TensorPrefix = "pruning/";

    private readonly PruningOptions _options;
    private readonly string[] _names;
    private readonly Tensor[] _weights; // aliases of the network's parameters (same storage)
    private readonly Tensor?[] _masks;  // null before the first update
    private readonly Device _device;
    private int _lastUpdate = -1;       // the epoch of the last mask update; -1: none yet
    private double _sparsity;           // the sparsity of the last update

    private PruningStep(PruningOptions options, string[] names, Tensor[] weights, Device device)
    {
        _options = options;
        _names = names;
        _weights = weights;
        _masks = new Tensor?[weights.Length];
        _device = device;
    }

    /// <summary>Checks the schedule against the run's epochs (called where the trainer checks its options).</summary>
    public static void CheckOptions(NeuralNetworkOptions options, string component)
    {
        if (options.Pruning is not { } pruning)
            return;
        if (pruning.EndEpoch > options.Epochs)
            throw new ArgumentException($"{component}: Pruning.EndEpoch is {pruning.EndEpoch} but the run trains {options.Epochs} epochs (Epochs), so it would never reach FinalSparsity {pruning.FinalSparsity}. " +
                $"Set EndEpoch ≤ {options.Epochs}, or raise Epochs (leave a few epochs after EndEpoch for the network to recover).", nameof(NeuralNetworkOptions.Pruning));
    }

    /// <summary>The add-on for a run over <paramref name="network"/> (built from <paramref name="spec"/>); the tensors were checked by <see cref="PrunableWeights.Select"/>.</summary>
    public static PruningStep Create(PruningOptions options, NetworkSpec spec, TransferLearningOptions? transfer, Sequential network, Device device, string component)
    {
        var selected = PrunableWeights.Select(spec, options, transfer, component);
        var parameters = network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var names = selected.Select(s => s.Name).ToArray();
        var weights = names.Select(n => parameters.TryGetValue(n, out var p) ? (Tensor)p.alias().DetachFromDisposeScope()
            : throw new InvalidOperationException($"PruningStep: the network has no parameter '{n}'. Parameters: {string.Join(", ", parameters.Keys)}.")).ToArray();
        return new PruningStep(options, names, weights, device);
    }

    public string Name => PartName;

    void ITrainingExtension.BeforeForward(TrainingStep step)
    {
        if (_lastUpdate < 0 && _options.UpdatesAt(0)) // BeginEpoch 0: prune the (warm-started) network before its first step
            Update(0, null);
    }

    void ITrainingExtension.AfterStep(TrainingStep step)
    {
        using var noGrad = no_grad();
        for (var i = 0; i < _weights.Length; i++)
        {
            if (_masks[i] is { } mask)
                _weights[i].mul_(mask);
        }
    }

    void ITrainingExtension.EndEpoch(int epoch, Action<string> log)
    {
        if (_lastUpdate < epoch && _options.UpdatesAt(epoch))
            Update(epoch, log);
    }

    bool ITrainingExtension.Settled(int epoch) => epoch >= _options.EndEpoch;

    /// <summary>Recomputes every mask for the schedule's sparsity after <paramref name="epoch"/> and applies it.</summary>
    private void Update(int epoch, Action<string>? log)
    {
        var sparsity = _options.SparsityAt(epoch);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var values = _weights.Select(w => w.detach().cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray()).ToArray();
        var masks = _options.Scope == PruningScope.Global ? MagnitudeMasks.Global(values, sparsity) : MagnitudeMasks.PerLayer(values, sparsity);
        long zeros = 0, total = 0;
        for (var i = 0; i < _weights.Length; i++)
        {
            _masks[i]?.Dispose();
            _masks[i] = tensor(masks[i], _weights[i].shape).to(_weights[i].dtype).to(_device).DetachFromDisposeScope();
            _weights[i].mul_(_masks[i]!);
            zeros += masks[i].LongCount(m => m == 0);
            total += masks[i].Length;
        }
        _lastUpdate = epoch;
        _sparsity = sparsity;
        log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"epoch {epoch}: pruning masks updated to sparsity {sparsity:G4} ({_options.Scope}): {zeros} of {total} weights in {_weights.Length} tensor(s) pruned."));
    }

    JsonElement? ITrainingExtension.Save(IDictionary<string, Tensor> tensors)
    {
        for (var i = 0; i < _masks.Length; i++)
        {
            if (_masks[i] is { } mask)
                tensors[TensorPrefix + _names[i]] = mask;
        }
        return JsonSerializer.SerializeToElement(new PruningCheckpoint(_options.ToString(), _names, _lastUpdate, _sparsity));
    }

    void ITrainingExtension.Restore(JsonElement? header, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var saved = header?.Deserialize<PruningCheckpoint>()
            ?? throw new ArgumentException("NeuralNetworkOptions: the checkpoint was trained without pruning, but this run sets Pruning. Resume without Pruning, or train from the start (without ResumeFromCheckpoint).",
                nameof(NeuralNetworkOptions.ResumeFromCheckpoint));
        if (saved.Options != _options.ToString() || !saved.Tensors.SequenceEqual(_names))
            throw new ArgumentException($"NeuralNetworkOptions: the checkpoint was pruned with {saved.Options} over [{string.Join(", ", saved.Tensors)}], this run with {_options} over [{string.Join(", ", _names)}]. " +
                "Resume with the same PruningOptions (and frozen layers), or train from the start.", nameof(NeuralNetworkOptions.Pruning));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (var i = 0; i < _names.Length; i++)
        {
            if (saved.LastUpdate < 0)
                break; // no masks yet
            var stored = tensors.TryGetValue(TensorPrefix + _names[i], out var t) ? t
                : throw new InvalidDataException($"DeepML checkpoint: pruning mask '{TensorPrefix + _names[i]}' is missing; the checkpoint is damaged or was written by another run.");
            _masks[i]?.Dispose();
            _masks[i] = stored.to(_weights[i].dtype).to(_device).clone().DetachFromDisposeScope();
        }
        _lastUpdate = saved.LastUpdate;
        _sparsity = saved.Sparsity;
    }

    public void Dispose()
    {
        foreach (var m in _masks)
            m?.Dispose();
        foreach (var w in _weights)
            w.Dispose();
    }
}

/// <summary>Pruning's part of a checkpoint header.</summary>
internal sealed record PruningCheckpoint(string Options, string[] Tensors, int LastUpdate, double Sparsity);
