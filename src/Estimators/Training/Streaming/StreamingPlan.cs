using Microsoft.ML;

namespace DeepML;

/// <summary>
/// Whether a run streams (<see cref="StreamingOptions.Mode"/>), and the training add-ons streamed training refuses because
/// they need per-row data it does not keep. Each refusal names the add-on and <see cref="NeuralNetworkOptions.Streaming"/>
/// and says how to fix it.
/// </summary>
internal static class StreamingPlan
{
    /// <summary>
    /// Never: false; Always: true; Auto: true when the data view knows its row count (at most <see cref="Array.MaxLength"/>) and the rows do not fit in memory
    /// (<see cref="TrainingData.CheckCapacity"/> would refuse them), the reason in <paramref name="reason"/>.
    /// </summary>
    public static bool ShouldStream(StreamingOptions streaming, IDataView data, int featureCount, string component, out string reason)
    {
        reason = "";
        switch (streaming.Mode)
        {
            case StreamingMode.Never:
                return false;
            case StreamingMode.Always:
                reason = "Streaming.Mode is Always";
                return true;
        }
        // Unknown counts are read into memory; so are counts past what streaming indexes (Int32 rows), which then fail there as before.
        if (data.GetRowCount() is not { } rows || rows > Array.MaxLength)
            return false;
        try
        {
            TrainingData.CheckCapacity(rows, featureCount, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, component, "training");
            return false;
        }
        catch (Exception e) when (e is InsufficientMemoryException or NotSupportedException)
        {
            reason = $"Streaming.Mode is Auto and the training data do not fit in memory ({rows:N0} rows × {featureCount:N0} features)";
            return true;
        }
    }

    /// <summary>
    /// For <see cref="StreamingMode.Auto"/> on a view that does not know its row count: the bytes the in-memory read may
    /// reach before it gives up and the run streams (a third of the available memory: growing buffers briefly hold
    /// old and new copies); null when the GC reports no limit.
    /// </summary>
    public static long? UnknownCountBudget() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes is > 0 and var available ? available / 3 : null;

    /// <summary>Refuses, before the first pass, the add-ons that need per-row data of every training row.</summary>
    public static void CheckAddOns(NeuralNetworkOptions o, string component, string reason)
    {
        if (o.AdversarialDebiasing is not null)
            throw Refusal(component, "AdversarialDebiasing", "every training row's sensitive group held in memory", reason);
        if (o.Distillation is { Evaluation: TeacherEvaluation.Cached })
            throw Refusal(component, "Distillation with Evaluation = Cached", "the teacher's outputs cached for every training row", reason,
                "use Evaluation = TeacherEvaluation.PerBatch (a DeepML teacher scored on every batch), ");
    }

    /// <summary>
    /// Refuses, once the first pass knows whether the buffer holds every training row, the add-ons and layers that need
    /// statistics of all the training rows (they are supported when it does).
    /// </summary>
    public static void CheckWholeData(NeuralNetworkOptions o, NetworkSpec spec, bool holdsAll, int rows, string component, string reason)
    {
        if (holdsAll)
            return;
        var more = $"raise Streaming.ShuffleBufferRows to at least the {rows:N0} training rows (so that the buffer holds them all), ";
        if (o.Augmentation is { } augmentation && augmentation.Steps.OfType<GaussianNoise>().Any(n => n.Scale == NoiseScale.PerFeatureStandardDeviation))
            throw Refusal(component, "Augmentation's GaussianNoise with Scale = PerFeatureStandardDeviation", "the standard deviation of every feature over all the training rows", reason, more);
        var fitted = LayerTree.Walk(spec.Root, spec.InputShape!).FirstOrDefault(w => w.Layer is IFitsTrainingData);
        if (fitted.Layer is not null)
            throw Refusal(component, $"layer {fitted.Path} ({fitted.Layer.Kind})", "all the training rows to fit its buffers", reason, more);
    }

    /// <summary>
    /// The refusal's wording: <c>{component}: {addOn} needs {need}, which streamed training does not keep ({reason}, see
    /// NeuralNetworkOptions.Streaming). To train with it, {alternative}...</c>
    /// </summary>
    internal static NotSupportedException Refusal(string component, string addOn, string need, string reason, string alternative = "") =>
        new($"{component}: {addOn} needs {need}, which streamed training does not keep ({reason}; see NeuralNetworkOptions.Streaming). " +
            $"To fix it, {alternative}" + (reason.Contains("Always", StringComparison.Ordinal)
                ? $"set Streaming = new StreamingOptions {{ Mode = StreamingMode.Auto }} (or Never) so that rows that fit are read into memory, or remove {addOn}."
                : $"train on a sample that fits in memory (ml.Data.TakeRows), run with more memory, or remove {addOn}."));
}
