using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>What a training run ended with.</summary>
internal sealed record TrainingResult(int EpochsRun, int BestEpoch, double FinalTrainingLoss, double? BestValidationLoss, IReadOnlyList<TrainingProgress> History);

/// <summary>
/// The training loop, readable top to bottom: epoch → shuffle → batch → rate → zero_grad → forward
/// → loss → backward → clip → step; then validation, early stopping, the rate schedule's epoch
/// bookkeeping, progress, checkpoint. One dispose scope per batch keeps native memory flat; one
/// buffer and one tensor per batch (never one per row). Training add-ons hook in at fixed points
/// (<see cref="ITrainingExtension"/>: before the forward pass, on the loss, the backward pass, after
/// the step, at epoch end, in the checkpoint); the loop knows none of them by name.
/// </summary>
internal sealed partial class TrainingLoop
{
    private readonly Sequential _network;
    private readonly NetworkSpec _spec;
    private readonly Device _device;
    private readonly NeuralNetworkOptions _options;
    private readonly TaskLoss _loss;
    private readonly Action<string> _log;
    private readonly TrainingExtensions _extensions;

    // Where the run stands; a checkpoint saves exactly these (plus weights, optimizer and random state).
    private int _epoch;
    private double _bestLoss = double.PositiveInfinity;
    private int _bestEpoch;
    private int _epochsWithoutImprovement;
    private bool _stopped;
    private double _lastTrainingLoss = double.NaN;
    private Dictionary<string, Tensor>? _best;
    private readonly List<TrainingProgress> _history = [];

    /// <summary>The run's task and network/loss/step settings, written into every checkpoint (<see cref="CheckpointCompatibility"/>).</summary>
    public IReadOnlyDictionary<string, string>? Settings { get; init; }

    /// <summary>Regression's label standardisation, written into every checkpoint so that a resumed run trains on the same targets.</summary>
    public LabelScale? LabelScale { get; init; }

    /// <summary>A loop over <paramref name="network"/>; <paramref name="extensions"/> are the run's training add-ons (owned by the caller; null for none).</summary>
    public TrainingLoop(Sequential network, NetworkSpec spec, Device device, NeuralNetworkOptions options, TaskLoss loss, Action<string> log, TrainingExtensions? extensions = null)
    {
        _extensions = extensions ?? TrainingExtensions.None;
        _network = network;
        _spec = spec;
        _device = device;
        _options = options;
        _loss = loss;
        _log = log;
    }

    /// <summary>Trains on <paramref name="train"/>'s batches (in memory or streamed), validating on <paramref name="validation"/> after each epoch.</summary>
    public TrainingResult Run(ITrainingRows train, int featureCount, IValidationRows? validation, int seed, CheckpointState? resume)
    {
        var o = _options;
        var batchSize = o.BatchSize ?? throw new InvalidOperationException("TrainingLoop: the trainer resolves BatchSize before the loop starts.");
        using var batch = new BatchBuffer(batchSize, featureCount, _loss.Task);
        var l1Weights = DenseWeights();
        var (trained, multipliers) = TransferLearning.Trainable(_network, o.Transfer); // frozen layers leave the optimizer
        using var optimizer = new ParameterOptimizer(trained, o.Optimizer, o.LearningRate, o.WeightDecay, o.Momentum, multipliers);
        var schedule = new LearningRateScheduler(o.LearningRateSchedule, o.LearningRate, o.Epochs);
        var batches = (train.Rows + batchSize - 1) / batchSize; // per epoch: the schedule's clock ticks once per batch
        using var l1 = o.L1Regularization.ToScalar();
        if (resume is not null)
            Restore(resume, optimizer, schedule);
        var clock = Stopwatch.StartNew();
        // Elapsed continues across a resume: the time the earlier processes trained, then this one's.
        var before = resume is null ? TimeSpan.Zero : resume.Elapsed ?? (resume.History.Count > 0 ? resume.History[^1].Elapsed : TimeSpan.Zero);
        var epochsBefore = _epoch;
        try
        {
            while (_epoch < o.Epochs && !_stopped)
            {
                _epoch++;
                _network.train();
                double lossSum = 0, weightSum = 0, rate = double.NaN;
                var batchIndex = -1;
                foreach (var rows in train.Epoch(seed, _epoch, batchSize))
                {
                    batchIndex++;
                    o.CancellationToken.ThrowIfCancellationRequested();
                    rate = schedule.RateAt(_epoch, batchIndex, batches); // a pure function of the position (and plateau state)
                    optimizer.LearningRate = rate;
                    var count = rows.Count;
                    var batchWeight = batch.Gather(rows.Data, rows.Order, rows.Start, count);
                    if (batchWeight == 0)
                        continue; // nothing to learn from a batch whose examples all weigh 0
                    using var scope = NewDisposeScope();
                    var (x, target, weight) = batch.ToTensors(count, _device);
                    var step = new TrainingStep { Epoch = _epoch, BatchIndex = batchIndex, Rows = new ArraySegment<int>(rows.Order, rows.Start, count), Data = rows.Data, Device = _device, X = x, Target = target, Weight = weight };
                    _extensions.BeforeForward(step);
                    _network.zero_grad();
                    var output = _network.call(step.X);                 // [count, outputs]
                    step.Output = output;
                    var loss = _loss.Weighted(output, target, weight);  // scalar
                    lossSum += loss.item<float>() * batchWeight;
                    weightSum += batchWeight;
                    if (o.L1Regularization > 0)
                        loss = loss.add(L1Norm(l1Weights), l1);
                    loss = _extensions.OnLoss(step, loss);
                    _extensions.Backward(step, loss);                   // loss.backward(), unless an add-on takes the pass over
                    if (o.GradientClipNorm > 0)
                        optimizer.ClipGradientNorm(o.GradientClipNorm);
                    optimizer.Step();
                    _extensions.AfterStep(step);
                }
                _lastTrainingLoss = weightSum > 0 ? lossSum / weightSum : double.NaN;
                _extensions.EndEpoch(_epoch, _log);
                var (validationLoss, metric) = validation is null ? (null, null) : Evaluate(validation);
                TrackBest(validationLoss);
                var reduced = schedule.EndEpoch(_epoch, validationLoss);
                _stopped = o.EarlyStoppingPatience > 0 && _epochsWithoutImprovement >= o.EarlyStoppingPatience && _epoch < o.Epochs;
                var done = _epoch - epochsBefore;
                var report = new TrainingProgress(_epoch, o.Epochs, _lastTrainingLoss, validationLoss, _loss.MetricName, metric, _bestEpoch,
                    before + clock.Elapsed, _stopped ? TimeSpan.Zero : clock.Elapsed / done * (o.Epochs - _epoch), _stopped, rate);
                _history.Add(report);
                _log(report.ToString());
                if (reduced is { } newRate)
                    _log($"epoch {_epoch}: learning rate reduced to {newRate:G4} (validation loss on a plateau, {o.LearningRateSchedule}).");
                if (o.CheckpointPath is { } path)
                    SaveCheckpoint(path, seed, optimizer, schedule, before + clock.Elapsed); // after every epoch, atomically
                o.Progress?.Report(report);
            }
            if (_best is not null)
            {
                TorchNetwork.Restore(_network, _best); // early stopping keeps the best epoch, not the last
                _best = null;
            }
        }
        finally
        {
            DisposeSnapshot(_best);
            foreach (var w in l1Weights)
                w.Dispose();
        }
        _network.eval();
        return new TrainingResult(_epoch, _bestEpoch, _lastTrainingLoss, double.IsInfinity(_bestLoss) ? null : _bestLoss, _history);
    }

    /// <summary>Early stopping's bookkeeping: the lowest validation loss so far and a snapshot of its weights.</summary>
    private void TrackBest(double? validationLoss)
    {
        if (!_extensions.Settled(_epoch))
        {
            // An add-on still changes the network (pruning's schedule): no epoch before it settles is kept, and none counts
            // towards patience; the first settled epoch becomes the best by default.
            DisposeSnapshot(_best);
            _best = null;
            _bestLoss = double.PositiveInfinity;
            _bestEpoch = _epoch;
            _epochsWithoutImprovement = 0;
            return;
        }
        if (validationLoss is not { } loss)
        {
            _bestEpoch = _epoch; // without validation the last epoch is the one kept
            return;
        }
        if (loss < _bestLoss - _options.EarlyStoppingMinDelta)
        {
            _bestLoss = loss;
            _bestEpoch = _epoch;
            _epochsWithoutImprovement = 0;
            DisposeSnapshot(_best);
            _best = TorchNetwork.Snapshot(_network);
        }
        else
        {
            _epochsWithoutImprovement++;
        }
    }

    /// <summary>Validation loss and metric, in inference mode, in large batches.</summary>
    private (double? Loss, double? Metric) Evaluate(IValidationRows rows)
    {
        _network.eval();
        var (outputs, data) = rows.Forward(_network, _device, _spec.OutputSize);
        return (_loss.WeightedLoss(outputs, data), _loss.Metric(outputs, data));
    }

    /// <summary>The dense layers' weight matrices (the L1 penalty leaves biases and batch-norm scales alone).</summary>
    private List<Tensor> DenseWeights()
    {
        if (_options.L1Regularization == 0)
            return [];
        var dense = LayerTree.Walk(_spec.Root, _spec.InputShape!).Where(l => l.Layer is DenseLayer).Select(l => LayerTree.Join(l.Path, "weight")).ToHashSet();
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

    private static void DisposeSnapshot(Dictionary<string, Tensor>? snapshot)
    {
        if (snapshot is null)
            return;
        foreach (var t in snapshot.Values)
            t.Dispose();
    }
}
