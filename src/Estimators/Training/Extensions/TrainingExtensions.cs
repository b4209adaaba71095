using System.Text.Json;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// The run's training add-ons as one: calls each <see cref="ITrainingExtension"/> hook in order,
/// lets at most one take over the backward pass, and gathers and hands back their checkpoint parts
/// (refusing a checkpoint with a part that no extension of this run claims). Owns the extensions.
/// </summary>
internal sealed class TrainingExtensions : IDisposable
{
    private readonly ITrainingExtension[] _extensions;

    /// <summary>Takes ownership of <paramref name="extensions"/> (disposed with this).</summary>
    public TrainingExtensions(IEnumerable<ITrainingExtension> extensions)
    {
        _extensions = Materialize(extensions);
        var twice = _extensions.GroupBy(e => e.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
        {
            Dispose();
            throw new ArgumentException($"TrainingExtensions: two training extensions are named '{twice.Key}'; expected unique names (each names its part of the checkpoint). Give each add-on its own name.", nameof(extensions));
        }
        var owners = _extensions.Where(e => e.TakesOverBackward).ToArray();
        if (owners.Length > 1)
        {
            Dispose();
            throw new ArgumentException($"TrainingExtensions: both '{owners[0].Name}' and '{owners[1].Name}' take over the backward pass; expected at most one. Combine them into one extension, or train with one of them.", nameof(extensions));
        }
        _backward = owners.SingleOrDefault();
    }

    /// <summary>Builds the extensions one by one; when building one throws, the ones already built are disposed.</summary>
    private static ITrainingExtension[] Materialize(IEnumerable<ITrainingExtension> extensions)
    {
        var built = new List<ITrainingExtension>();
        try
        {
            foreach (var extension in extensions)
                built.Add(extension);
            return [.. built];
        }
        catch
        {
            foreach (var extension in built)
                extension.Dispose();
            throw;
        }
    }

    /// <summary>The one extension that takes over the backward pass; null: the loop's <c>loss.backward()</c>.</summary>
    private readonly ITrainingExtension? _backward;

    /// <summary>None: a plain run.</summary>
    public static TrainingExtensions None => new([]);

    /// <summary>The extensions' names, in call order.</summary>
    public IReadOnlyList<string> Names => _extensions.Select(e => e.Name).ToArray();

    public void BeforeForward(TrainingStep step)
    {
        foreach (var e in _extensions)
            e.BeforeForward(step);
    }

    public Tensor OnLoss(TrainingStep step, Tensor loss)
    {
        foreach (var e in _extensions)
            loss = e.OnLoss(step, loss);
        return loss;
    }

    /// <summary>Back-propagates <paramref name="loss"/>: through the one extension that takes the pass over, else plainly.</summary>
    public void Backward(TrainingStep step, Tensor loss)
    {
        if (_backward?.Backward(step, loss) != true)
            loss.backward();
    }

    public void AfterStep(TrainingStep step)
    {
        foreach (var e in _extensions)
            e.AfterStep(step);
    }

    public void EndEpoch(int epoch, Action<string> log)
    {
        foreach (var e in _extensions)
            e.EndEpoch(epoch, log);
    }

    /// <summary>Whether every extension lets the run keep the network after <paramref name="epoch"/> (<see cref="ITrainingExtension.Settled"/>).</summary>
    public bool Settled(int epoch) => _extensions.All(e => e.Settled(epoch));

    /// <summary>Each extension's tensors into <paramref name="tensors"/>; returns the header parts by name (only the non-null ones).</summary>
    public IReadOnlyDictionary<string, JsonElement> Save(IDictionary<string, Tensor> tensors)
    {
        var parts = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var e in _extensions)
        {
            // Each extension writes into its own dictionary: a name already taken (the loop's "model/…", "rng", or another
            // add-on's) would otherwise overwrite that state silently and corrupt the resume.
            var own = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            if (e.Save(own) is { } part)
                parts[e.Name] = part;
            foreach (var (name, tensor) in own)
            {
                if (!tensors.TryAdd(name, tensor))
                    throw new InvalidOperationException($"TrainingExtensions: '{e.Name}' saves checkpoint tensor '{name}', a name already taken; expected names of its own. Put its tensors under a prefix of its own (e.g. '{e.Name.ToLowerInvariant()}/').");
            }
        }
        return parts;
    }

    /// <summary>Hands each extension its part of <paramref name="parts"/>; refuses parts that belong to no extension of this run.</summary>
    public void Restore(IReadOnlyDictionary<string, JsonElement> parts, IReadOnlyDictionary<string, Tensor> tensors, string path)
    {
        var unclaimed = parts.Keys.Where(k => _extensions.All(e => e.Name != k)).ToArray();
        if (unclaimed.Length > 0)
            throw new ArgumentException(
                $"NeuralNetworkOptions: checkpoint '{path}' holds the state of training add-on(s) {string.Join(", ", unclaimed.Select(u => $"'{u}'"))}, which this run does not use " +
                $"(it uses {(_extensions.Length == 0 ? "none" : string.Join(", ", Names.Select(n => $"'{n}'")))}). Resume with the same add-ons the checkpoint was written with, or train from the start (without ResumeFromCheckpoint).",
                nameof(NeuralNetworkOptions.ResumeFromCheckpoint));
        foreach (var e in _extensions)
            e.Restore(parts.TryGetValue(e.Name, out var part) ? part : null, tensors);
    }

    public void Dispose()
    {
        foreach (var e in _extensions)
            e.Dispose();
    }
}
