using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>What a training run ended with.</summary>
internal sealed record TrainingResult(int EpochsRun, int BestEpoch, double FinalTrainingLoss, double? BestValidationLoss, IReadOnlyList<TrainingProgress> History);

/// <summary>
/// The training loop, readable top to bottom: epoch → shuffle → batch → zero_grad → forward →
/// loss → backward → clip → step; then validation, early stopping, progress. One dispose scope
/// per batch keeps native memory flat; one buffer and one tensor per batch (never one per row).
/// </summary>
internal sealed class TrainingLoop
{
    private readonly Sequential _network;
    private readonly NetworkSpec _spec;
    private readonly Device _device;
    private readonly NeuralNetworkOptions _options;
    private readonly TaskLoss _loss;
    private readonly Action<string> _log;

    public TrainingLoop(Sequential network, NetworkSpec spec, Device device, NeuralNetworkOptions options, TaskLoss loss, Action<string> log)
    {
        _network = network;
        _spec = spec;
        _device = device;
        _options = options;
        _loss = loss;
        _log = log;
    }

    public TrainingResult Run(TrainingData train, TrainingData? validation, int seed)
    {
        var o = _options;
        var rng = new Random(seed);
        var order = Enumerable.Range(0, train.Rows).ToArray();
        var batch = new BatchBuffer(o.BatchSize, train.FeatureCount, _loss.Task);
        var l1Weights = DenseWeights();
        using var optimizer = new ParameterOptimizer(_network.parameters(), o.Optimizer, o.LearningRate, o.WeightDecay, o.Momentum);
        using var l1 = o.L1Regularization.ToScalar();
        var history = new List<TrainingProgress>();
        var clock = Stopwatch.StartNew();
        double bestLoss = double.PositiveInfinity, lastTrainLoss = double.NaN;
        int bestEpoch = 0, epochsWithoutImprovement = 0, epoch = 0;
        Dictionary<string, Tensor>? best = null;
        try
        {
            while (epoch < o.Epochs)
            {
                epoch++;
                _network.train();
                Shuffle(order, rng);
                double lossSum = 0, weightSum = 0;
                for (var start = 0; start < train.Rows; start += o.BatchSize)
                {
                    o.CancellationToken.ThrowIfCancellationRequested();
                    var count = Math.Min(o.BatchSize, train.Rows - start);
                    var batchWeight = batch.Gather(train, order, start, count);
                    if (batchWeight == 0)
                        continue; // nothing to learn from a batch whose examples all weigh 0
                    using var scope = NewDisposeScope();
                    var (x, target, weight) = batch.ToTensors(count, _device);
                    _network.zero_grad();
                    var output = _network.call(x);                      // [count, outputs]
                    var loss = _loss.Weighted(output, target, weight);  // scalar
                    lossSum += loss.item<float>() * batchWeight;
                    weightSum += batchWeight;
                    if (o.L1Regularization > 0)
                        loss = loss.add(L1Norm(l1Weights), l1);
                    loss.backward();
                    if (o.GradientClipNorm > 0)
                        optimizer.ClipGradientNorm(o.GradientClipNorm);
                    optimizer.Step();
                }
                lastTrainLoss = weightSum > 0 ? lossSum / weightSum : double.NaN;

                var (validationLoss, metric) = validation is null ? (null, null) : Evaluate(validation);
                var improved = validationLoss is { } vl && vl < bestLoss - o.EarlyStoppingMinDelta;
                if (validationLoss is null || improved)
                {
                    bestEpoch = epoch;
                    epochsWithoutImprovement = 0;
                    if (validationLoss is { } v)
                    {
                        bestLoss = v;
                        DisposeSnapshot(best);
                        best = TorchNetwork.Snapshot(_network);
                    }
                }
                else
                {
                    epochsWithoutImprovement++;
                }
                var stop = o.EarlyStoppingPatience > 0 && epochsWithoutImprovement >= o.EarlyStoppingPatience && epoch < o.Epochs;
                var report = new TrainingProgress(epoch, o.Epochs, lastTrainLoss, validationLoss, _loss.MetricName, metric, bestEpoch,
                    clock.Elapsed, stop ? TimeSpan.Zero : clock.Elapsed / epoch * (o.Epochs - epoch), stop);
                history.Add(report);
                _log(report.ToString());
                o.Progress?.Report(report);
                if (stop)
                    break;
            }
            if (best is not null)
            {
                TorchNetwork.Restore(_network, best); // early stopping keeps the best epoch, not the last
                best = null;
            }
        }
        finally
        {
            DisposeSnapshot(best);
            foreach (var w in l1Weights)
                w.Dispose();
        }
        _network.eval();
        return new TrainingResult(epoch, bestEpoch, lastTrainLoss, double.IsInfinity(bestLoss) ? null : bestLoss, history);
    }

    /// <summary>Validation loss and metric, in inference mode, in large batches.</summary>
    private (double? Loss, double? Metric) Evaluate(TrainingData data)
    {
        _network.eval();
        var outputs = TorchBatchPredictor.Forward(_network, _device, data.Features, data.Rows, data.FeatureCount, _spec.OutputSize);
        var loss = _loss.WeightedLoss(outputs, data);
        var metric = _loss.Metric(outputs, data);
        return (loss, metric);
    }

    /// <summary>The dense layers' weight matrices (the L1 penalty leaves biases and batch-norm scales alone).</summary>
    private List<Tensor> DenseWeights()
    {
        if (_options.L1Regularization == 0)
            return [];
        var dense = Enumerable.Range(0, _spec.Layers.Count).Where(i => _spec.Layers[i] is DenseLayer).Select(i => $"{i}.weight").ToHashSet();
        return _network.named_parameters().Where(p => dense.Contains(p.name)).Select(p => (Tensor)p.parameter.alias().DetachFromDisposeScope()).ToList();
    }

    private static Tensor L1Norm(List<Tensor> weights)
    {
        using var one = 1.0.ToScalar(); // held explicitly: see ParameterOptimizer's remarks on TorchSharp scalars
        var sum = weights[0].abs().sum();
        for (var i = 1; i < weights.Count; i++)
            sum = sum.add(weights[i].abs().sum(), one);
        return sum;
    }

    private static void Shuffle(int[] order, Random rng)
    {
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    private static void DisposeSnapshot(Dictionary<string, Tensor>? snapshot)
    {
        if (snapshot is null)
            return;
        foreach (var t in snapshot.Values)
            t.Dispose();
    }
}
