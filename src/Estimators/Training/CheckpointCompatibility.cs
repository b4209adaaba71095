using System.Globalization;

namespace DeepML;

/// <summary>
/// What a checkpoint and the run that resumes it must agree on, by name: the task, the network and
/// the data's width and classes, and every option that changes the loss or a step. Compared one by
/// one, so a refusal names each option that differs with both values. The learning-rate schedule and
/// adversarial debiasing have their own checks (<see cref="LearningRateScheduler.CheckResume"/>,
/// <see cref="AdversarialDebiasingStep.CheckResume"/>); the epochs and the data may change.
/// </summary>
internal static class CheckpointCompatibility
{
    /// <summary>The settings of a run, in a fixed order (the order a refusal lists them in).</summary>
    /// <param name="task">The trainer's task.</param>
    /// <param name="featureCount">Features per row.</param>
    /// <param name="classCount">Classes of the label (classification only).</param>
    /// <param name="o">The options, with <see cref="NeuralNetworkOptions.BatchSize"/> resolved.</param>
    public static IReadOnlyDictionary<string, string> Describe(PredictionKind task, int featureCount, int classCount, NeuralNetworkOptions o)
    {
        static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var settings = new Dictionary<string, string>
        {
            ["Task"] = task.ToString(),
            // Every layer with all its parameters, as its JSON form (a layer's summary leaves some out, e.g. a leaky ReLU's slope).
            ["Network"] = o.Network.Layers.Count == 0 ? "Linear (no hidden layers)" : string.Join(" → ", o.Network.Layers.Select(l => LayerJson.Write(l).ToJsonString())),
            ["FeatureCount"] = featureCount.ToString(CultureInfo.InvariantCulture),
            ["InputShape"] = (o.InputShape ?? new TensorShape(featureCount)).ToString(),
            ["ClassCount"] = task == PredictionKind.Regression ? "none (regression)" : classCount.ToString(CultureInfo.InvariantCulture),
            ["Loss"] = TaskLoss.Resolve(task, o.Loss).ToString(),
            ["HuberDelta"] = R(o.HuberDelta),
            ["StandardizeLabel"] = task == PredictionKind.Regression ? o.StandardizeLabel.ToString() : "none (classification)",
            ["ClassWeights"] = o.ClassWeights is { } w ? "[" + string.Join(", ", w.Select(v => R(v))) + "]" : "none",
            ["Initializer"] = o.Initializer.ToString(),
            ["BatchSize"] = o.BatchSize?.ToString(CultureInfo.InvariantCulture) ?? "default",
            ["Optimizer"] = o.Optimizer.ToString(),
            ["LearningRate"] = R(o.LearningRate),
            ["Momentum"] = R(o.Momentum),
            ["WeightDecay"] = R(o.WeightDecay),
            ["L1Regularization"] = R(o.L1Regularization),
            ["GradientClipNorm"] = R(o.GradientClipNorm),
        };
        foreach (var (name, value) in TransferLearning.Settings(o.Transfer)) // only when set: older checkpoints still match plain runs
            settings[name] = value;
        return settings;
    }

    /// <summary>Refuses a checkpoint whose settings differ from this run's, naming each difference with both values.</summary>
    /// <exception cref="ArgumentException">One or more settings differ.</exception>
    public static void Check(IReadOnlyDictionary<string, string> saved, IReadOnlyDictionary<string, string> now, string path)
    {
        var names = now.Keys.Concat(saved.Keys.Where(k => !now.ContainsKey(k)));
        var differences = names
            .Select(n => (Name: n, Saved: saved.GetValueOrDefault(n, "(not recorded)"), Now: now.GetValueOrDefault(n, "(not known to this DeepML)")))
            .Where(d => d.Saved != d.Now)
            .ToArray();
        if (differences.Length == 0)
            return;
        var list = string.Join("; ", differences.Select(d => $"{d.Name} {d.Saved} (this run: {d.Now})"));
        throw new ArgumentException(
            $"NeuralNetworkOptions: checkpoint '{path}' was written by a run that differs from this one in {differences.Length} setting(s): {list}. " +
            "A checkpoint resumes only with the trainer (task), feature column, label classes and network/loss/step options it was written with. " +
            "Resume with the checkpoint's values, or train from the start (without ResumeFromCheckpoint).",
            differences.Length == 1 && differences[0].Name is not ("Task" or "FeatureCount" or "ClassCount") ? differences[0].Name : nameof(NeuralNetworkOptions.ResumeFromCheckpoint));
    }
}
