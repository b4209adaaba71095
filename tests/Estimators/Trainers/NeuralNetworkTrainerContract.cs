using DeepML.Testing;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;
using static TorchSharp.torch;

namespace DeepML.Estimators.Tests.Trainers;

/// <summary>What the three trainers' contract classes share: fast options, the tensor counter, ONNX parity, invalid options, cancellation.</summary>
public abstract class NeuralNetworkTrainerContract<TTrainer, TOutput> : EstimatorContract<TTrainer, NetworkScoringTransformer, FeatureRow, TOutput>
    where TTrainer : NeuralNetworkTrainerBase
    where TOutput : class, new()
{
    /// <summary>Features per row of this task's data.</summary>
    protected abstract int FeatureCount { get; }

    /// <summary>The task's rows (features) used for scoring.</summary>
    protected abstract float[][] FeatureMatrix { get; }

    /// <summary>What the error says the label should be, and a label type that is wrong for the task.</summary>
    protected abstract (string Expected, IDataView Data) WrongLabel(MLContext ml);

    /// <summary>The trainer made from options (the seed comes from the MLContext unless the options give one).</summary>
    protected abstract TTrainer Create(MLContext ml, NeuralNetworkOptions options);

    /// <summary>Fast settings: a small MLP, few epochs, one thread.</summary>
    protected virtual NeuralNetworkOptions FastOptions => new()
    {
        Network = Networks.Mlp([8]),
        Epochs = 3,
        BatchSize = 32,
        LearningRate = 1e-2,
        ValidationFraction = 0,
        NumberOfThreads = 1,
    };

    protected override void EnsureNativeRuntime() => TorchRuntime.EnsureLoaded();

    /// <summary>TorchSharp's process-wide count of live tensor wrappers (incremented when a Tensor is made, decremented when disposed or finalized).</summary>
    protected override long? LiveNativeObjects() => Tensor.TotalCount;

    /// <summary>
    /// TorchSharp 0.107 counts a tensor when its wrapper is made and uncounts it only when a wrapper
    /// that still owns its handle is disposed. Making a module parameter moves the handle from a first
    /// wrapper into the Parameter, so the counter stays one higher per parameter forever, even after
    /// both are disposed and collected (TensorLeakProbeTests measures it). FastOptions' network,
    /// Dense → ReLU → Dense, has 4 parameters (2 weights, 2 biases).
    /// </summary>
    protected override long NativeCounterDriftPerFit => 4;

    protected override TTrainer CreateEstimator(MLContext ml, int seed) => Create(ml, FastOptions);

    protected override IReadOnlyList<FeatureRow> CreateScoringRows() => TestData.FeatureRows(FeatureMatrix, 40);

    protected override SchemaDefinition InputSchemaDefinition() => TestData.Definition<FeatureRow>(FeatureCount);

    protected override string DescribeConfiguration(TTrainer estimator) =>
        estimator.Options.ToString() + $" Network={estimator.Options.Network}";

    protected override IEnumerable<WrongColumnType> WrongColumnTypes(MLContext ml)
    {
        var n = FeatureCount;
        const string vector = "known-size vector of Single";
        yield return new("Features", vector, "String",
            ml.Data.LoadFromEnumerable([new AnyRow<string, bool> { Features = "1,2" }]), vector);
        var doubles = SchemaDefinition.Create(typeof(AnyRow<double[], bool>));
        doubles["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Double, n);
        yield return new("Features", vector, $"Vector<Double", ml.Data.LoadFromEnumerable([new AnyRow<double[], bool> { Features = new double[n] }], doubles), vector);
        // A variable-size vector (what tokenizers produce) cannot feed a network.
        yield return new("Features", vector, "Vector<Single> of unknown size",
            ml.Data.LoadFromEnumerable([new AnyRow<float[], bool> { Features = new float[n] }]), vector);
        var (expected, data) = WrongLabel(ml);
        yield return new("Label", expected, "String", data, null);
    }

    protected override IEnumerable<MissingColumn> MissingColumns(MLContext ml)
    {
        var data = CreateTrainingData(ml);
        yield return new("Features", ml.Transforms.DropColumns("Features").Fit(data).Transform(data), CheckAtTransform: true);
        yield return new("Label", ml.Transforms.DropColumns("Label").Fit(data).Transform(data), CheckAtTransform: false);
    }

    protected override IEnumerable<InvalidOption> InvalidOptions()
    {
        var o = new NeuralNetworkOptions();
        return
        [
            new(nameof(o.LabelColumnName), () => _ = o with { LabelColumnName = "" }),
            new(nameof(o.FeatureColumnName), () => _ = o with { FeatureColumnName = " " }),
            new(nameof(o.ExampleWeightColumnName), () => _ = o with { ExampleWeightColumnName = "" }),
            new(nameof(o.Network), () => _ = o with { Network = null! }),
            new(nameof(o.Epochs), () => _ = o with { Epochs = 0 }),
            new(nameof(o.BatchSize), () => _ = o with { BatchSize = -1 }),
            new(nameof(o.Optimizer), () => _ = o with { Optimizer = (OptimizerKind)42 }),
            new(nameof(o.LearningRate), () => _ = o with { LearningRate = double.NaN }),
            new(nameof(o.LearningRate), () => _ = o with { LearningRate = 0 }),
            new(nameof(o.Momentum), () => _ = o with { Momentum = 1 }),
            new(nameof(o.WeightDecay), () => _ = o with { WeightDecay = -1e-4 }),
            new(nameof(o.L1Regularization), () => _ = o with { L1Regularization = double.PositiveInfinity }),
            new(nameof(o.GradientClipNorm), () => _ = o with { GradientClipNorm = -1 }),
            new(nameof(o.Loss), () => _ = o with { Loss = (LossKind)42 }),
            new(nameof(o.HuberDelta), () => _ = o with { HuberDelta = 0 }),
            new(nameof(o.Initializer), () => _ = o with { Initializer = (WeightInitializer)42 }),
            new(nameof(o.ValidationFraction), () => _ = o with { ValidationFraction = 0.75 }),
            new(nameof(o.EarlyStoppingPatience), () => _ = o with { EarlyStoppingPatience = -1 }),
            new(nameof(o.EarlyStoppingMinDelta), () => _ = o with { EarlyStoppingMinDelta = -0.1 }),
            new(nameof(o.ClassWeights), () => _ = o with { ClassWeights = [] }),
            new(nameof(o.ClassWeights), () => _ = o with { ClassWeights = [1, float.NaN] }),
            new(nameof(o.Device), () => _ = o with { Device = "tpu" }),
            new(nameof(o.NumberOfThreads), () => _ = o with { NumberOfThreads = 0 }),
            new(nameof(o.Scoring), () => _ = o with { Scoring = null! }),
            // The trainer checks what depends on the task when it is made.
            new(nameof(o.Loss), () => Create(new MLContext(1), FastOptions with { Loss = WrongLoss })),
            new(nameof(o.InputShape), () => Create(new MLContext(1), FastOptions with { Network = new NetworkSpec([new Conv2dLayer(2, 3)]), InputShape = new TensorShape(4) })),
            new(nameof(o.LearningRateSchedule), () => _ = o with { LearningRateSchedule = null! }),
            new(nameof(o.LearningRateSchedule), () => Create(new MLContext(1), FastOptions with { LearningRateSchedule = LearningRateSchedule.Cosine(minimum: 1) })),
            new(nameof(o.LearningRateSchedule), () => Create(new MLContext(1), FastOptions with { LearningRateSchedule = LearningRateSchedule.Constant().WithWarmUp(FastOptions.Epochs) })),
            new(nameof(o.Pruning), () => _ = o with { Pruning = new PruningOptions { FinalSparsity = 0.5, BeginEpoch = 2, EndEpoch = 1 } }),
            new(nameof(o.Pruning), () => Create(new MLContext(1), FastOptions with { Pruning = new PruningOptions { FinalSparsity = 0.5, EndEpoch = FastOptions.Epochs + 1 } })),
        ];
    }

    /// <summary>A loss that does not fit this task.</summary>
    protected abstract LossKind WrongLoss { get; }

    protected override TTrainer CreateCancellableEstimator(MLContext ml, int seed, CancellationToken token, Action<TimeSpan> unitDone) =>
        Create(ml, FastOptions with
        {
            Epochs = 10_000,
            BatchSize = 2,
            CancellationToken = token,
            Progress = new SyncProgress<TrainingProgress>(p => unitDone(p.Elapsed)),
        });

    /// <summary>ONNX Runtime (the fitted transformer's predictor) against a TorchSharp forward pass of the same weights.</summary>
    protected override void CheckOnnxParity(MLContext ml, NetworkScoringTransformer fitted, IDataView data)
    {
        var model = fitted.Model;
        Assert.StartsWith("ONNX Runtime", fitted.Device);
        var rows = CreateScoringRows().Count;
        var x = FeatureMatrix.Take(rows).SelectMany(r => r).ToArray();
        var torchOutputs = TorchReference.Forward(model, x, rows);
        var ortOutputs = new float[rows * model.OutputSize];
        fitted.Predictor.Predict(x, rows, ortOutputs);
        TorchReference.AssertClose(torchOutputs, ortOutputs, 1e-5);
        // The scored columns come from those same outputs.
        var scored = fitted.Transform(data);
        Assert.Equal(rows, ContractData.Rows(scored, ["Score"]).Count);
    }
}

/// <summary>An IProgress that reports on the calling thread (Progress&lt;T&gt; posts to the thread pool).</summary>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
