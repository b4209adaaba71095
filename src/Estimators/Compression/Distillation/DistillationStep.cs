using System.Text.Json;
using Microsoft.ML;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// Knowledge distillation as a training add-on (<see cref="ITrainingExtension"/>): <see cref="ITrainingExtension.OnLoss"/> mixes the
/// task loss with the soft loss against the teacher, <c>(1 − α)·L_hard + α·T²·L_soft</c>
/// (<see cref="DistillationOptions"/>); <see cref="ITrainingExtension.EndEpoch"/> logs the epoch's mean soft loss; the checkpoint
/// part holds the options and the teacher's fingerprint, so a resumed run is refused when either changed.
/// </summary>
internal sealed class DistillationStep : ITrainingExtension
{
    /// <summary>The checkpoint part's key.</summary>
    public const string PartName = "Distillation";

    private readonly DistillationOptions _options;
    private readonly PredictionKind _task;
    private readonly TeacherTargets? _cached;
    private readonly Sequential? _teacher;
    private readonly string _fingerprint;
    private readonly (double Mean, double Sd) _labelScale;
    private readonly double _temperature;
    private Tensor? _gathered;
    private double _softSum;
    private int _batches;

    private DistillationStep(DistillationOptions options, PredictionKind task, TeacherTargets? cached, Sequential? teacher, string fingerprint, (double, double) labelScale)
    {
        _options = options;
        _task = task;
        _cached = cached;
        _teacher = teacher;
        _fingerprint = fingerprint;
        _labelScale = labelScale;
        _temperature = task == PredictionKind.Regression ? 1 : options.EffectiveTemperature;
    }

    /// <summary>Checks the options against the task before any data is read (called where the trainer checks its options).</summary>
    public static void CheckOptions(DistillationOptions? options, PredictionKind task, string component)
    {
        if (options is null)
            return;
        if (task == PredictionKind.Regression && options.Temperature is not null)
            throw new ArgumentException($"{component}: DistillationOptions.Temperature is {options.Temperature} but regression has no temperature (the student learns the teacher's Score directly). Leave Temperature unset.",
                nameof(NeuralNetworkOptions.Distillation));
        if (options.Evaluation != TeacherEvaluation.PerBatch)
            return;
        if (options.Teacher is not NetworkScoringTransformer network)
            throw new ArgumentException($"{component}: DistillationOptions.Evaluation is PerBatch, which needs a DeepML network teacher (NetworkScoringTransformer), but the teacher is {options.Teacher.GetType().Name}. " +
                "Use Evaluation = Cached for any other model.", nameof(NeuralNetworkOptions.Distillation));
        if (network.Model.Task != task)
            throw new ArgumentException($"{component}: the teacher network was trained for {network.Model.Task}, the student for {task}. Distil from a teacher of the same task.", nameof(NeuralNetworkOptions.Distillation));
    }

    /// <summary>The add-on for a run: scores the teacher on the training data (cached) or builds it as a module on the device (per batch).</summary>
    public static DistillationStep Create(DistillationOptions options, PredictionKind task, IDataView input, TrainingSchema schema, int rowsRead,
        (double Mean, double Sd) labelScale, Device device, string component, CancellationToken cancellation)
    {
        if (options.Evaluation == TeacherEvaluation.Cached)
        {
            var cached = TeacherTargets.Score(options, input, task, schema.ClassNames, rowsRead, component, cancellation);
            return new DistillationStep(options, task, cached, null, cached.Fingerprint, labelScale);
        }
        var model = ((NetworkScoringTransformer)options.Teacher).Model;
        if (model.InputSize != schema.FeatureCount)
            throw new ArgumentException($"{component}: the teacher network reads {model.InputSize} features per row, the student's column '{schema.Features.Name}' has {schema.FeatureCount}. " +
                "PerBatch distillation feeds the student's batches to the teacher: train both on the same feature column, or use Evaluation = Cached.", nameof(NeuralNetworkOptions.Distillation));
        if (task == PredictionKind.MulticlassClassification && !model.ClassNames.SequenceEqual(schema.ClassNames))
            throw new ArgumentException($"{component}: the teacher network's classes [{string.Join(", ", model.ClassNames)}] are not the student's [{string.Join(", ", schema.ClassNames)}] in the same order. Train the teacher on the same label column.",
                nameof(NeuralNetworkOptions.Distillation));
        var teacher = TorchNetwork.Build(model.Spec);
        TorchNetwork.Load(teacher, model.Weights);
        teacher.eval();
        teacher.to(device);
        var fingerprint = TeacherTargets.FingerprintOf(((NetworkScoringTransformer)options.Teacher).ExportOnnx(), model.OutputSize);
        return new DistillationStep(options, task, null, teacher, fingerprint, labelScale);
    }

    public string Name => PartName;

    Tensor ITrainingExtension.OnLoss(TrainingStep step, Tensor loss)
    {
        var output = step.Output ?? throw new InvalidOperationException("DistillationStep: the loss needs the network's output; the loop sets it after the forward pass.");
        var teacher = TeacherOutputs(step);
        if (_labelScale != (0, 1)) // regression on a standardised label: the teacher speaks in label units
            teacher = (teacher - _labelScale.Mean) / _labelScale.Sd;
        var soft = DistillationLoss.Soft(_task, output, teacher, _temperature, step.Weight);
        _softSum += soft.item<float>();
        _batches++;
        var alpha = _options.SoftLossWeight;
        return loss * (1 - alpha) + soft * (alpha * _temperature * _temperature);
    }

    void ITrainingExtension.EndEpoch(int epoch, Action<string> log)
    {
        log($"epoch {epoch}: distillation soft loss {(_batches == 0 ? double.NaN : _softSum / _batches):F4} (T = {_temperature:G3}, α = {_options.SoftLossWeight:G3}).");
        _softSum = 0;
        _batches = 0;
    }

    JsonElement? ITrainingExtension.Save(IDictionary<string, Tensor> tensors) => JsonSerializer.SerializeToElement(Header());

    void ITrainingExtension.Restore(JsonElement? header, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var saved = header?.Deserialize<DistillationCheckpoint>()
            ?? throw new ArgumentException("NeuralNetworkOptions: the checkpoint was trained without distillation, but this run sets Distillation. Resume without Distillation, or train from the start.",
                nameof(NeuralNetworkOptions.ResumeFromCheckpoint));
        var now = Header();
        if (saved != now)
            throw new ArgumentException($"NeuralNetworkOptions: the checkpoint was distilled with {saved}, this run with {now}. Resume with the same teacher and DistillationOptions, or train from the start.",
                nameof(NeuralNetworkOptions.Distillation));
    }

    /// <summary>The teacher's outputs for the batch <c>[count, outputs]</c>, on the batch's device.</summary>
    private Tensor TeacherOutputs(TrainingStep step)
    {
        if (_teacher is not null)
        {
            using (no_grad())
                return _teacher.call(step.X);
        }
        var cached = _cached!;
        var count = step.Rows.Count;
        var width = cached.Width;
        // Gathered into storage libtorch allocated and reused (as the batch buffers are): CPU kernels round by alignment.
        if (_gathered is null || _gathered.shape[0] < count)
        {
            _gathered?.Dispose();
            _gathered = empty([count, width], ScalarType.Float32).DetachFromDisposeScope();
        }
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(_gathered.bytes);
        var source = step.Data.SourceRows;
        for (var i = 0; i < count; i++)
            cached.Values.AsSpan(source[step.Rows[i]] * width, width).CopyTo(values.Slice(i * width, width));
        return _gathered.narrow(0, 0, count).to(step.Device);
    }

    private DistillationCheckpoint Header() =>
        new(_options.Evaluation.ToString(), _temperature, _options.SoftLossWeight, _cached?.Column ?? "network", _fingerprint);

    public void Dispose()
    {
        _gathered?.Dispose();
        _teacher?.Dispose();
    }
}

/// <summary>Distillation's part of a checkpoint header.</summary>
internal sealed record DistillationCheckpoint(string Evaluation, double Temperature, double SoftLossWeight, string TeacherColumn, string TeacherFingerprint);
