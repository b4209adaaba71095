using DeepML.Cli.Data;
using DeepML.Cli.Featurization;
using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using DeepML.Tuning;
using Trial = DeepML.Tuning.Trial;

namespace DeepML.Cli.Training;

/// <summary>One model to try: a trainer family with its settings, placed after the featurisation.</summary>
internal abstract class Candidate
{
    public abstract string Family { get; }

    public abstract string Description { get; }

    /// <summary>Networks want the network featurisation (log amounts, quantile bins, scaled; <see cref="Featurization.FeaturePipeline.Build"/>); trees do not.</summary>
    public abstract bool WantsNetworkFeatures { get; }

    /// <summary>The trainer for the task; <paramref name="curve"/> collects a network's epochs; <paramref name="cancel"/> stops it.</summary>
    public abstract IEstimator<ITransformer> Trainer(MLContext ml, TaskKind task, List<CurvePoint> curve, CancellationToken cancel);

    /// <summary>ML.NET's FastTree with its defaults: the baseline a Model Builder user gets.</summary>
    public sealed class FastTree : Candidate
    {
        public override string Family => "FastTree";

        public override string Description => "ML.NET defaults (100 trees, 20 leaves, learning rate 0.2)";

        public override bool WantsNetworkFeatures => false;

        public override IEstimator<ITransformer> Trainer(MLContext ml, TaskKind task, List<CurvePoint> curve, CancellationToken cancel) => task switch
        {
            TaskKind.Binary => ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options { LabelColumnName = LabelPreparation.Column, FeatureColumnName = FeaturePipeline.FeatureColumn }),
            TaskKind.Multiclass => ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastTree(featureColumnName: FeaturePipeline.FeatureColumn), LabelPreparation.Column),
            _ => ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options { LabelColumnName = LabelPreparation.Column, FeatureColumnName = FeaturePipeline.FeatureColumn }),
        };
    }

    /// <summary>LightGBM with the given leaves, learning rate and rounds.</summary>
    public sealed class LightGbm(int leaves = 31, double learningRate = 0.1, int rounds = 200, int minRowsPerLeaf = 20) : Candidate
    {
        public int Rounds => rounds;

        public override string Family => "LightGBM";

        public override string Description => $"{leaves} leaves, learning rate {learningRate:G3}, {rounds} rounds, ≥ {minRowsPerLeaf} rows per leaf";

        public override bool WantsNetworkFeatures => false;

        public override IEstimator<ITransformer> Trainer(MLContext ml, TaskKind task, List<CurvePoint> curve, CancellationToken cancel) => task switch
        {
            TaskKind.Binary => ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
            {
                LabelColumnName = LabelPreparation.Column, FeatureColumnName = FeaturePipeline.FeatureColumn,
                NumberOfLeaves = leaves, LearningRate = learningRate, NumberOfIterations = rounds, MinimumExampleCountPerLeaf = minRowsPerLeaf,
            }),
            TaskKind.Multiclass => ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
            {
                LabelColumnName = LabelPreparation.Column, FeatureColumnName = FeaturePipeline.FeatureColumn,
                NumberOfLeaves = leaves, LearningRate = learningRate, NumberOfIterations = rounds, MinimumExampleCountPerLeaf = minRowsPerLeaf,
            }),
            _ => ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
            {
                LabelColumnName = LabelPreparation.Column, FeatureColumnName = FeaturePipeline.FeatureColumn,
                NumberOfLeaves = leaves, LearningRate = learningRate, NumberOfIterations = rounds, MinimumExampleCountPerLeaf = minRowsPerLeaf,
            }),
        };
    }

    /// <summary>A DeepML MLP: the body, dropout, AdamW's rate and weight decay, batch size; early stopping on 10 % of the training rows.</summary>
    public sealed class Network(int[] hidden, double dropout, double learningRate, double weightDecay, int batchSize, int epochs, string device) : Candidate
    {
        public override string Family => "DeepML";

        public override string Description =>
            $"MLP [{string.Join(", ", hidden)}], dropout {dropout:F2}, AdamW lr {learningRate:G3}, weight decay {weightDecay:G3}, batch {batchSize}, ≤ {epochs} epochs";

        public override bool WantsNetworkFeatures => true;

        /// <summary>The tuning trial this network is, if any: its epochs go to the trial's pruner, which can stop it.</summary>
        public Trial? Trial { get; init; }

        /// <summary>The same network without its trial (for the refit after the search).</summary>
        public Network Untied() => new(hidden, dropout, learningRate, weightDecay, batchSize, epochs, device);

        public override IEstimator<ITransformer> Trainer(MLContext ml, TaskKind task, List<CurvePoint> curve, CancellationToken cancel)
        {
            var options = new NeuralNetworkOptions
            {
                Network = Networks.Mlp(hidden, dropout: dropout),
                Optimizer = OptimizerKind.AdamW,
                LearningRate = learningRate,
                WeightDecay = weightDecay,
                BatchSize = batchSize,
                Epochs = epochs,
                ValidationFraction = 0.1,
                EarlyStoppingPatience = 4,
                LabelColumnName = LabelPreparation.Column,
                FeatureColumnName = FeaturePipeline.FeatureColumn,
                Device = device,
                Scoring = new ScoringOptions { Device = device },
                NumberOfThreads = hidden.Max() <= 256 ? 1 : null, // small networks: one thread is fastest (NeuralNetworkOptions.NumberOfThreads)
                Progress = new CurveRecorder(curve),
                CancellationToken = cancel,
            };
            if (Trial is not null)
                options = options.ForTrial(Trial);
            return task switch
            {
                TaskKind.Binary => ml.DeepML().BinaryClassification.NeuralNetwork(options),
                TaskKind.Multiclass => ml.DeepML().MulticlassClassification.NeuralNetwork(options),
                _ => ml.DeepML().Regression.NeuralNetwork(options),
            };
        }
    }

    /// <summary>Synchronous progress (no thread-pool hop), so the curve is complete when Fit returns; keeps the first fit's epochs only (cross-validation fits once per fold).</summary>
    private sealed class CurveRecorder(List<CurvePoint> curve) : IProgress<TrainingProgress>
    {
        private bool _firstFitDone;

        public void Report(TrainingProgress value)
        {
            lock (curve)
            {
                _firstFitDone |= value.Epoch == 1 && curve.Count > 0;
                if (!_firstFitDone)
                    curve.Add(new CurvePoint(value.Epoch, value.TrainingLoss, value.ValidationLoss, value.ValidationMetric));
            }
        }
    }
}
