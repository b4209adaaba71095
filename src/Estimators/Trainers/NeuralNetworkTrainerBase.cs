using Microsoft.ML;
using Microsoft.ML.Runtime;
using TorchSharp;

namespace DeepML;

/// <summary>
/// What the three neural-network trainers share: schema checks, reading and validating the data,
/// building the network from its <see cref="NetworkSpec"/>, the training loop, and the fitted
/// <see cref="NetworkScoringTransformer"/>. Each task's trainer only names its task.
/// </summary>
/// <remarks>
/// <para>Deterministic on the CPU: the same seed (from the options or the MLContext) gives
/// bit-identical weights and predictions. <see cref="Fit(IDataView)"/> seeds TorchSharp's global
/// generator once, before building the network (dropout draws from it).</para>
/// <para>GPU-capable (<see cref="NeuralNetworkOptions.Device"/>); training on CUDA is not bitwise reproducible.</para>
/// <para>Memory: the training (and validation) rows are read once into flat buffers
/// (rows × features × 4 bytes, e.g. 27 MB for UCI Adult's 32,561 × 204), validated as they are read,
/// and each epoch gathers its shuffled mini-batches from them. Data larger than memory are streamed from the
/// cursor through a seeded shuffle buffer instead (<see cref="NeuralNetworkOptions.Streaming"/>: by default
/// when the rows do not fit), with memory bounded by the buffer.</para>
/// </remarks>
public abstract class NeuralNetworkTrainerBase : IEstimator<NetworkScoringTransformer>
{
    private readonly IHostEnvironment _env;
    private readonly int _seed;

    private protected NeuralNetworkTrainerBase(MLContext context, NeuralNetworkOptions options, PredictionKind task, string component)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        _env = context;
        Options = options;
        Task = task;
        Component = component;
        // One seed per trainer, drawn when it is made: fitting the same trainer twice gives the same model.
        _seed = options.Seed ?? _env.Register("DeepML." + component).Rand.Next();
        TaskLoss.Resolve(task, options.Loss); // a loss that does not fit the task fails here, not in Fit
        if (task == PredictionKind.BinaryClassification && options.ClassWeights is { Count: not 2 })
            throw new ArgumentException($"NeuralNetworkOptions: ClassWeights for binary classification must hold 2 values [negative, positive], got {options.ClassWeights.Count}.", nameof(options));
        if (task == PredictionKind.Regression && options.ClassWeights is not null)
            throw new ArgumentException("NeuralNetworkOptions: ClassWeights apply to classification only; use an example-weight column for regression.", nameof(options));
        AdversarialDebiasingStep.CheckOptions(options, task);
        DistillationStep.CheckOptions(options.Distillation, task, component);
        PruningStep.CheckOptions(options, component);
        AugmentationRun.CheckOptions(options, task, component);
        LearningRateScheduler.CheckOptions(options);
        if (options.InputShape is { } shape)
        {
            try
            {
                _ = options.Network.Bind(shape); // a body that cannot take the declared shape fails here, not in Fit
            }
            catch (LayerShapeException e)
            {
                throw new ArgumentException($"NeuralNetworkOptions: InputShape {shape} does not fit Network {options.Network}: {e.Message}", nameof(NeuralNetworkOptions.InputShape), e);
            }
        }
    }

    /// <summary>The options this trainer was made with.</summary>
    public NeuralNetworkOptions Options { get; }

    /// <summary>The prediction task.</summary>
    public PredictionKind Task { get; }

    /// <summary>How the last <see cref="Fit(IDataView)"/> went (epochs, best epoch, losses); null before the first.</summary>
    public TrainingSummary? LastTraining { get; private set; }

    private protected string Component { get; }

    /// <summary>
    /// Training add-ons beyond those the options ask for (<see cref="ITrainingExtension"/>), called after them in the
    /// order given: the seam through which an add-on that has no option yet plugs in (and tests register theirs).
    /// Called once per <see cref="Fit(IDataView, IDataView?)"/> with the run's network and device, so each run gets
    /// fresh instances; the run owns them and disposes them when it ends. Null: none.
    /// </summary>
    internal Func<TorchSharp.Modules.Sequential, torch.Device, IEnumerable<ITrainingExtension>>? AdditionalExtensions { get; set; }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        TrainingSchema.Check(inputSchema, Options, Task, Component);
        var classes = Task == PredictionKind.MulticlassClassification ? 2 : 1; // sizes are not part of a shape
        return SchemaShapes.With(inputSchema, new ScoringHead(Task, classes, []).Shapes());
    }

    /// <summary>Trains on <paramref name="input"/> and returns the fitted network.</summary>
    public NetworkScoringTransformer Fit(IDataView input) => Fit(input, Options.ValidationData);

    /// <summary>Trains on <paramref name="input"/>, validating (and early stopping) on <paramref name="validation"/>.</summary>
    /// <param name="input">Training rows.</param>
    /// <param name="validation">Validation rows with the same schema; null uses <see cref="NeuralNetworkOptions.ValidationFraction"/>.</param>
    public NetworkScoringTransformer Fit(IDataView input, IDataView? validation)
    {
        ArgumentNullException.ThrowIfNull(input);
        var host = _env.Register("DeepML." + Component);
        using var channel = host.Start("Training");
        void Log(string message) => channel.Info(MessageSensitivity.None, $"{Component}: {message}");

        var o = Options;
        // Before anything can touch TorchSharp (the checkpoint reader makes tensors): on hosts whose libstdc++ is
        // too old TorchSharp's own loader fails for good, in a type initializer, unless DeepML's loader ran first.
        TorchRuntime.EnsureLoaded(Log);
        var schema = TrainingSchema.Resolve(input.Schema, o, Task, Component);
        var inputShape = InputShapeOf(o, schema); // before any data is read: a wrong shape fails at once
        if (o.Pruning is { } pruning) // so does a pruning layer prefix that covers nothing
            PrunableWeights.Select(o.Network.Bind(inputShape, new DenseLayer(Task == PredictionKind.MulticlassClassification ? schema.ClassCount : 1)), pruning, o.Transfer, Component);
        if (validation is not null)
            TrainingSchema.Resolve(validation.Schema, o, Task, Component);
        LearningRateScheduler.CheckValidation(o, hasValidation: validation is not null || o.ValidationFraction > 0);
        if (o.ClassWeights is { } cw && Task == PredictionKind.MulticlassClassification && cw.Count != schema.ClassCount)
            throw new ArgumentException($"NeuralNetworkOptions: ClassWeights holds {cw.Count} values but label '{schema.Label.Name}' has {schema.ClassCount} classes.", nameof(Options));

        var resume = o.ResumeFromCheckpoint is { } from ? CheckpointFile.Load(from) : null;
        using var resumeTensors = new CheckpointTensors(resume); // freed on every path out of Fit, failed checks included
        var seed = resume?.Seed ?? _seed;
        if (resume is not null && o.Seed is { } asked && asked != resume.Seed)
            throw new ArgumentException($"NeuralNetworkOptions: Seed is {asked} but checkpoint '{o.ResumeFromCheckpoint}' was trained with seed {resume.Seed}. Leave Seed unset (or equal) to resume.", nameof(Options));
        if (resume is not null)
        {
            AdversarialDebiasingStep.CheckResume(resume.Adversary, o.AdversarialDebiasing, o.ResumeFromCheckpoint!);
            LearningRateScheduler.CheckResume(resume.Schedule, o, o.ResumeFromCheckpoint!);
        }
        var streaming = StreamingPlan.ShouldStream(o.Streaming, input, schema.FeatureCount, Component, out var streamingReason);
        if (streaming)
            StreamingPlan.CheckAddOns(o, Component, streamingReason);
        TrainingRunData data;
        if (streaming)
        {
            data = OpenStreamed(input, validation, schema, seed, resume, streamingReason, Log);
        }
        else
        {
            // Auto on a view that does not know its row count (a text file, a database query): read into memory while
            // the rows stay within a third of the available memory (the buffers grow by doubling), else stream.
            var budget = o.Streaming.Mode == StreamingMode.Auto && input.GetRowCount() is null ? StreamingPlan.UnknownCountBudget() : null;
            try
            {
                data = ReadInMemory(input, validation, schema, seed, resume, budget);
            }
            catch (RowsDoNotFitException e)
            {
                streaming = true;
                streamingReason = $"Streaming.Mode is Auto and the training data, whose row count the data view does not report, outgrew a third of the available memory after {e.Rows:N0} rows";
                StreamingPlan.CheckAddOns(o, Component, streamingReason);
                data = OpenStreamed(input, validation, schema, seed, resume, streamingReason, Log);
            }
        }

        // Unset, the batch size follows the training rows (a resumed run keeps its checkpoint's).
        var batchSize = BatchSizeFor(o, resume, data.Rows.Rows);
        var run = o.BatchSize == batchSize ? o : o with { BatchSize = batchSize };
        // The fitted model is scored by ONNX Runtime: fail now, naming the package, not after the last epoch.
        OnnxRuntimeNative.Initialize(Log);
        var device = TorchSession.Start(o.Device, o.FallbackToCpu, o.NumberOfThreads, Log);
        var outputs = Task == PredictionKind.MulticlassClassification ? schema.ClassCount : 1;
        var spec = o.Network.Bind(inputShape, new DenseLayer(outputs));
        if (data.Streamed is { } streamedRows)
            StreamingPlan.CheckWholeData(o, spec, streamedRows.HoldsAll, streamedRows.Rows, Component, streamingReason);
        var settings = CheckpointCompatibility.Describe(Task, schema.FeatureCount, schema.ClassCount, run);
        if (resume is not null)
            CheckResume(resume, settings, spec, run);
        if (o.Transfer is { } transfer)
            TransferLearning.Check(transfer, spec, Task, o.StandardizeLabel);
        var scale = Task == PredictionKind.Regression && o.StandardizeLabel ? resume?.LabelScale ?? data.Scale() : null;
        if (scale is not null)
            data = data.Standardize(scale);
        var train = data.WholeTraining; // every training row in memory (in memory, or a buffer that holds them all); null otherwise
        Log($"{data.Rows.Rows} training rows, {data.ValidationRows} validation rows{(streaming ? $" (streamed: {streamingReason}; shuffle buffer of {Math.Min(Math.Max(o.Streaming.ShuffleBufferRows, batchSize), data.Rows.Rows)} rows)" : "")}, network {spec}, seed {seed}, device {device}, batch size {batchSize}, learning rate {o.LearningRate:G4} with schedule {o.LearningRateSchedule}" +
            (scale is null ? "." : $", label standardised with mean {scale.Mean:G6} and standard deviation {scale.StandardDeviation:G6}."));

        torch.manual_seed(seed);
        NetworkModel model;
        using (var network = TorchNetwork.Build(spec))
        {
            TorchNetwork.Initialize(network, spec, o.Initializer);
            if (train is not null)
                TorchNetwork.FitToData(network, spec, train.Features, train.Rows); // quantile bins and other data-fitted buffers, before the first epoch
            if (o.Transfer is { } warm && resume is null)
                TransferLearning.WarmStart(network, spec, warm); // a resumed run's weights come from its checkpoint
            network.to(device);
            var loss = new TaskLoss(Task, o.Loss, o.HuberDelta, schema.ClassCount) { LabelScale = scale?.StandardDeviation ?? 1 };
            using var extensions = new TrainingExtensions(Extensions(o, input, schema, data.RowsRead, train, scale, spec, network, device, seed, loss));
            var loop = new TrainingLoop(network, spec, device, run, loss, Log, extensions) { Settings = settings, LabelScale = scale };
            var result = loop.Run(data.Rows, schema.FeatureCount, data.Validation, seed, resume);
            LastTraining = new TrainingSummary(result.EpochsRun, result.BestEpoch, result.FinalTrainingLoss, result.BestValidationLoss, seed, result.History,
                result.History[^1].LearningRate) { Streamed = streaming };
            var weights = TorchNetwork.Export(network, spec);
            model = new NetworkModel(scale?.Fold(weights) ?? weights, Task, schema.Features.Name, schema.ClassNames, schema.FeatureNames);
        }
        // The trained weights leave TorchSharp here: scoring runs the exported ONNX graph in ONNX Runtime,
        // so no tensor outlives Fit and the fitted model is exactly what gets saved and served.
        var predictor = new OrtBatchPredictor(OnnxExporter.Export(model), o.Scoring, log: Log);
        return new NetworkScoringTransformer(_env, model, predictor, o.Scoring.BatchSize);
    }

    /// <summary>The in-memory path: every training (and validation) row read into flat buffers, the split drawn from them.</summary>
    private TrainingRunData ReadInMemory(IDataView input, IDataView? validation, TrainingSchema schema, int seed, CheckpointState? resume, long? budget)
    {
        var o = Options;
        // A resumed run keeps the checkpoint's groups (the adversary has one output per group); a new run finds them in the data.
        var train = TrainingData.Read(input, schema, Task, o.ClassWeights, Component, "training", o.CancellationToken, o.AdversarialDebiasing, resume?.Adversary?.Groups, budget);
        TrainingData? valid = validation is null ? null
            : TrainingData.Read(validation, schema, Task, o.ClassWeights, Component, "validation", o.CancellationToken);
        var beforeSplit = train;
        if (valid is null && o.ValidationFraction > 0)
            (train, valid) = Split(train, o.ValidationFraction, seed);
        train.RequireLearnable(Task, schema.ClassCount, schema.ClassNames, Component,
            ReferenceEquals(train, beforeSplit) ? null : (o.ValidationFraction, beforeSplit.Rows, beforeSplit.ClassCounts(Task, schema.ClassCount).Count(c => c > 0)));
        return new TrainingRunData(train, valid, beforeSplit.Rows);
    }

    /// <summary>
    /// The streamed path (<see cref="NeuralNetworkOptions.Streaming"/>): a first pass over the cursor, then batches through a
    /// seeded shuffle buffer every epoch; validation rows held when the buffer can hold them, streamed in chunks otherwise.
    /// </summary>
    private TrainingRunData OpenStreamed(IDataView input, IDataView? validation, TrainingSchema schema, int seed, CheckpointState? resume, string reason, Action<string> log)
    {
        var o = Options;
        var fraction = validation is null ? o.ValidationFraction : 0;
        int BufferRows(int trainRows) => Math.Max(o.Streaming.ShuffleBufferRows, BatchSizeFor(o, resume, trainRows));
        var train = StreamedTrainingRows.Open(input, schema, Task, o.ClassWeights, fraction, seed, BufferRows, Component, o.CancellationToken);
        var split = fraction > 0 && train.Rows < train.RowsBefore;
        TrainingData.RequireLearnable(train.AllWeightsZero, train.ClassCounts, train.Rows, Task, schema.ClassCount, schema.ClassNames, Component,
            split ? (fraction, train.RowsBefore, train.ClassCountsBefore.Count(c => c > 0)) : null);
        log($"streaming the training data ({reason}): {train.RowsBefore:N0} rows read in a first pass, " +
            (train.HoldsAll ? "all of them held in the shuffle buffer." : $"each epoch shuffled through a buffer of {BufferRows(train.Rows):N0} rows."));
        IValidationRows? valid = null;
        if (validation is not null)
        {
            valid = validation.GetRowCount() is { } rows && rows <= BufferRows(train.Rows)
                ? new InMemoryValidationRows(TrainingData.Read(validation, schema, Task, o.ClassWeights, Component, "validation", o.CancellationToken))
                : StreamedValidationRows.Open(validation, null, schema, Task, o.ClassWeights, Component, "validation", o.CancellationToken);
        }
        else if (fraction > 0)
        {
            valid = train.HeldValidation is { } held ? new InMemoryValidationRows(held)
                : StreamedValidationRows.Open(input, train.IsValidation, schema, Task, o.ClassWeights, Component, "training", o.CancellationToken);
        }
        return new TrainingRunData(train, valid);
    }

    private static int BatchSizeFor(NeuralNetworkOptions o, CheckpointState? resume, int trainRows) =>
        o.BatchSize ?? SavedBatchSize(resume) ?? NeuralNetworkOptions.DefaultBatchSize(trainRows);

    /// <summary>
    /// Refuses a checkpoint that does not belong to this run: version 4 files by each setting that differs
    /// (<see cref="CheckpointCompatibility"/>), older ones by their fingerprint; an older regression checkpoint
    /// trained on the raw label cannot continue with a standardised one.
    /// </summary>
    private void CheckResume(CheckpointState resume, IReadOnlyDictionary<string, string> settings, NetworkSpec spec, NeuralNetworkOptions run)
    {
        var path = run.ResumeFromCheckpoint!;
        if (resume.Settings is { } saved)
        {
            CheckpointCompatibility.Check(saved, settings, path);
            return;
        }
        if (resume.Fingerprint != TrainingLoop.Fingerprint(spec, run))
            throw new ArgumentException($"NeuralNetworkOptions: checkpoint '{path}' was written for a different network or step options ({resume.Fingerprint}); this run has {TrainingLoop.Fingerprint(spec, run)}. Use the same Network, BatchSize, Optimizer, LearningRate, LearningRateSchedule and regularisation to resume.", nameof(Options));
        if (Task == PredictionKind.Regression && run.StandardizeLabel)
            throw new ArgumentException($"NeuralNetworkOptions: checkpoint '{path}' was written by a DeepML version that trained regression on the raw label, but this run has StandardizeLabel = true. Resume with StandardizeLabel = false, or train from the start (without ResumeFromCheckpoint).", nameof(NeuralNetworkOptions.StandardizeLabel));
    }

    /// <summary>The run's training add-ons (<see cref="ITrainingExtension"/>), in the order the loop calls them.</summary>
    private IEnumerable<ITrainingExtension> Extensions(NeuralNetworkOptions o, IDataView input, TrainingSchema schema, int rowsRead, TrainingData? train, LabelScale? scale,
        NetworkSpec spec, TorchSharp.Modules.Sequential network, torch.Device device, int seed, TaskLoss loss)
    {
        // First: later add-ons (debiasing, a per-batch distillation teacher) see the augmented batch, and mixup's loss is what they weigh.
        if (o.Augmentation is { } augmentation)
            yield return new AugmentationRun(augmentation, seed, spec.InputShape, loss, train, device);
        if (o.AdversarialDebiasing is { } debiasing)
            yield return new AdversarialDebiasingStep(debiasing, train!.SensitiveGroupNames, network.parameters(), device);
        if (o.Distillation is { } distillation)
            yield return DistillationStep.Create(distillation, Task, input, schema, rowsRead, scale is null ? (0, 1) : (scale.Mean, scale.StandardDeviation), device, Component, o.CancellationToken);
        if (o.Pruning is { } pruning)
            yield return PruningStep.Create(pruning, spec, o.Transfer, network, device, Component);
        foreach (var extension in AdditionalExtensions?.Invoke(network, device) ?? [])
            yield return extension;
    }

    private static int? SavedBatchSize(CheckpointState? resume) =>
        resume?.Settings is { } s && s.TryGetValue("BatchSize", out var text) && int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var b) ? b : null;

    /// <summary>Disposes a loaded checkpoint's tensors when training is done with them.</summary>
    private readonly struct CheckpointTensors(CheckpointState? state) : IDisposable
    {
        public void Dispose()
        {
            foreach (var t in state?.Tensors.Values ?? [])
                t.Dispose();
        }
    }

    /// <summary>A seeded random split: the first part trains, the second validates.</summary>
    /// <summary>The declared input shape, checked against the feature column's size; <c>[F]</c> when none is declared.</summary>
    private static TensorShape InputShapeOf(NeuralNetworkOptions o, TrainingSchema schema)
    {
        if (o.InputShape is not { } shape)
            return TensorShape.Vector(schema.FeatureCount);
        if (shape.ElementCount != schema.FeatureCount)
            throw new ArgumentException(
                $"NeuralNetworkOptions: InputShape {shape} holds {shape.ElementCount} values per example, but feature column '{schema.Features.Name}' has {schema.FeatureCount} slots. " +
                $"Declare a shape whose dimensions multiply to {schema.FeatureCount}, or resize the column (for example ResizeImages before ExtractPixels).", nameof(NeuralNetworkOptions.InputShape));
        return shape;
    }

    private static (TrainingData Train, TrainingData Validation) Split(TrainingData data, double fraction, int seed)
    {
        var order = EpochOrder.Split(data.Rows, seed);
        var validationRows = EpochOrder.ValidationRows(data.Rows, fraction);
        if (validationRows >= data.Rows)
            return (data, data.Subset(order));
        return (data.Subset(order[validationRows..]), data.Subset(order[..validationRows]));
    }
}

/// <summary>The outcome of a training run.</summary>
/// <param name="EpochsRun">Epochs actually run (fewer than asked when early stopping ended training).</param>
/// <param name="BestEpoch">The epoch whose weights were kept.</param>
/// <param name="FinalTrainingLoss">Mean training loss of the last epoch.</param>
/// <param name="BestValidationLoss">The lowest validation loss, or null without validation data.</param>
/// <param name="Seed">The seed that was used.</param>
/// <param name="History">One report per epoch.</param>
/// <param name="FinalLearningRate">The rate of the last optimizer step (see <see cref="NeuralNetworkOptions.LearningRateSchedule"/>).</param>
public sealed record TrainingSummary(int EpochsRun, int BestEpoch, double FinalTrainingLoss, double? BestValidationLoss, int Seed, IReadOnlyList<TrainingProgress> History,
    double FinalLearningRate)
{
    /// <summary>Whether the run streamed its rows from the data view instead of reading them into memory (<see cref="NeuralNetworkOptions.Streaming"/>).</summary>
    public bool Streamed { get; init; }
}
