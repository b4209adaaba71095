using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// What a checkpoint holds about adversarial debiasing beside its tensors (the adversary's weights
/// and Adam moments): the options the run was started with, the groups in the adversary's output
/// order, and the adversary optimizer's step count. The warm-up's progress is the checkpoint's epoch.
/// </summary>
/// <param name="Options">Every <see cref="AdversarialDebiasingOptions"/> property by name, as invariant text.</param>
/// <param name="Groups">The sensitive groups in index order.</param>
/// <param name="OptimizerSteps">Adam steps the adversary has taken (its bias correction depends on them).</param>
internal sealed record AdversaryCheckpoint(IReadOnlyDictionary<string, string> Options, IReadOnlyList<string> Groups, long OptimizerSteps);

internal sealed partial class AdversarialDebiasingStep
{
    private const string TensorPrefix = "adversary/";

    /// <summary>The sensitive groups in the adversary's output order.</summary>
    public IReadOnlyList<string> Groups => _groups;

    /// <summary>The checkpoint header's part for this step.</summary>
    public AdversaryCheckpoint CheckpointHeader() =>
        new(Describe(_options).ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal), _groups.ToArray(), _optimizer.Steps);

    /// <summary>Adds the adversary's weights ("adversary/model/…") and Adam moments ("adversary/first/i", "adversary/second/i") to a checkpoint's tensors.</summary>
    public void AddCheckpointTensors(IDictionary<string, Tensor> tensors)
    {
        foreach (var (name, tensor) in _adversary.state_dict())
            tensors[TensorPrefix + "model/" + name] = tensor;
        for (var i = 0; i < _optimizer.FirstMoments.Count; i++)
            tensors[$"{TensorPrefix}first/{i}"] = _optimizer.FirstMoments[i];
        for (var i = 0; i < _optimizer.SecondMoments.Count; i++)
            tensors[$"{TensorPrefix}second/{i}"] = _optimizer.SecondMoments[i];
    }

    /// <summary>Puts the adversary and its optimizer back where a checkpoint left them (its options were checked by <see cref="CheckResume"/>).</summary>
    public void Restore(AdversaryCheckpoint header, IReadOnlyDictionary<string, Tensor> tensors)
    {
        using (no_grad())
        {
            foreach (var (name, tensor) in _adversary.state_dict())
                tensor.copy_(Required(tensors, TensorPrefix + "model/" + name));
            for (var i = 0; i < _optimizer.FirstMoments.Count; i++)
                _optimizer.FirstMoments[i].copy_(Required(tensors, $"{TensorPrefix}first/{i}"));
            for (var i = 0; i < _optimizer.SecondMoments.Count; i++)
                _optimizer.SecondMoments[i].copy_(Required(tensors, $"{TensorPrefix}second/{i}"));
        }
        _optimizer.RestoreSteps(header.OptimizerSteps);
    }

    /// <summary>Every option that shapes the adversary or its steps, by name, as invariant text (what a checkpoint records and a resumed run must match).</summary>
    public static IReadOnlyList<(string Name, string Value)> Describe(AdversarialDebiasingOptions o) =>
    [
        (nameof(o.SensitiveColumnName), o.SensitiveColumnName),
        (nameof(o.PrivilegedGroup), o.PrivilegedGroup is null ? "null" : $"\"{o.PrivilegedGroup}\""),
        (nameof(o.Alpha), o.Alpha.ToString("R", CultureInfo.InvariantCulture)),
        (nameof(o.AdversaryLearningRate), o.AdversaryLearningRate.ToString("R", CultureInfo.InvariantCulture)),
        (nameof(o.AdversaryHiddenUnits), o.AdversaryHiddenUnits.ToString(CultureInfo.InvariantCulture)),
        (nameof(o.Objective), o.Objective.ToString()),
        (nameof(o.WarmUpEpochs), o.WarmUpEpochs.ToString(CultureInfo.InvariantCulture)),
    ];

    /// <summary>
    /// Fails (with an <see cref="ArgumentException"/> naming <see cref="NeuralNetworkOptions.AdversarialDebiasing"/>)
    /// unless the checkpoint at <paramref name="path"/> was written with the same debiasing options as
    /// this run has, or both have none.
    /// </summary>
    public static void CheckResume(AdversaryCheckpoint? saved, AdversarialDebiasingOptions? now, string path)
    {
        const string Option = nameof(NeuralNetworkOptions.AdversarialDebiasing);
        if (saved is null && now is null)
            return;
        if (saved is null)
            throw new ArgumentException(
                $"NeuralNetworkOptions: checkpoint '{path}' was written by a run without AdversarialDebiasing, so it holds no adversary, but this run sets AdversarialDebiasing. " +
                "Resume with AdversarialDebiasing = null, or train with debiasing from the start (without ResumeFromCheckpoint).", Option);
        if (now is null)
            throw new ArgumentException(
                $"NeuralNetworkOptions: checkpoint '{path}' was written with AdversarialDebiasing ({Show(saved.Options)}), but this run has none. " +
                "Set the same AdversarialDebiasing options to resume, or train without debiasing from the start (without ResumeFromCheckpoint).", Option);
        var differences = Describe(now)
            .Where(p => !saved.Options.TryGetValue(p.Name, out var v) || v != p.Value)
            .Select(p => $"{p.Name} is {(saved.Options.TryGetValue(p.Name, out var v) ? v : "not recorded")} in the checkpoint but {p.Value} in this run")
            .ToArray();
        if (differences.Length > 0)
            throw new ArgumentException(
                $"NeuralNetworkOptions: checkpoint '{path}' was written with different AdversarialDebiasing options: {string.Join("; ", differences)}. " +
                "Resume with the checkpoint's AdversarialDebiasing options, or train from the start (without ResumeFromCheckpoint).", Option);
    }

    private static string Show(IReadOnlyDictionary<string, string> options) =>
        string.Join(", ", options.Select(kv => $"{kv.Key} = {kv.Value}"));

    private static Tensor Required(IReadOnlyDictionary<string, Tensor> tensors, string name) =>
        tensors.TryGetValue(name, out var t) ? t
            : throw new InvalidDataException($"DeepML checkpoint: tensor '{name}' is missing; the checkpoint does not hold this adversary's state. Resume from the checkpoint the debiased run wrote, or train from the start.");
}
