using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DeepML;

/// <summary>
/// The loss of one task as a weighted mean <c>Σ wᵢ·lᵢ / Σ wᵢ</c> (weights = example weight ×
/// class weight), on tensors for training and in managed double precision for validation.
/// </summary>
internal sealed class TaskLoss
{
    public TaskLoss(PredictionKind task, LossKind kind, double huberDelta, int classes)
    {
        Task = task;
        Kind = Resolve(task, kind);
        HuberDelta = huberDelta;
        Classes = classes;
    }

    public PredictionKind Task { get; }
    public LossKind Kind { get; }
    public double HuberDelta { get; }
    public int Classes { get; }

    /// <summary>Regression with a standardised label: σ, so that the validation RMSE is reported in label units; otherwise 1.</summary>
    public double LabelScale { get; init; } = 1;

    public string MetricName => Task switch
    {
        PredictionKind.BinaryClassification => "AUC",
        PredictionKind.MulticlassClassification => "Accuracy",
        _ => "RMSE",
    };

    /// <summary>The task's loss, or an error naming the option when the loss does not fit the task.</summary>
    public static LossKind Resolve(PredictionKind task, LossKind kind)
    {
        var resolved = kind != LossKind.Default ? kind : task switch
        {
            PredictionKind.BinaryClassification => LossKind.BinaryCrossEntropy,
            PredictionKind.MulticlassClassification => LossKind.CrossEntropy,
            _ => LossKind.MeanSquaredError,
        };
        var ok = task switch
        {
            PredictionKind.BinaryClassification => resolved == LossKind.BinaryCrossEntropy,
            PredictionKind.MulticlassClassification => resolved == LossKind.CrossEntropy,
            _ => resolved is LossKind.MeanSquaredError or LossKind.Huber,
        };
        if (!ok)
            throw new ArgumentException($"NeuralNetworkOptions: Loss {kind} does not fit {task}. Use {(task == PredictionKind.Regression ? "MeanSquaredError or Huber" : task == PredictionKind.BinaryClassification ? "BinaryCrossEntropy" : "CrossEntropy")} (or Default).", "Loss");
        return resolved;
    }

    /// <summary>Weighted mean loss of a batch: output [B, outputs], target [B], weight [B].</summary>
    public Tensor Weighted(Tensor output, Tensor target, Tensor weight)
    {
        var perExample = Kind switch
        {
            LossKind.BinaryCrossEntropy => F.binary_cross_entropy_with_logits(output.squeeze(1), target, reduction: nn.Reduction.None),
            LossKind.CrossEntropy => F.cross_entropy(output, target, reduction: nn.Reduction.None),
            LossKind.Huber => F.huber_loss(output.squeeze(1), target, HuberDelta, reduction: nn.Reduction.None),
            _ => F.mse_loss(output.squeeze(1), target, reduction: nn.Reduction.None),
        };
        return (perExample * weight).sum() / weight.sum();
    }

    /// <summary>The same weighted mean in double precision, from raw outputs held in memory.</summary>
    public double WeightedLoss(float[] outputs, TrainingData data)
    {
        double sum = 0, weights = 0;
        for (var r = 0; r < data.Rows; r++)
        {
            var w = data.Weights[r];
            if (w == 0)
                continue;
            sum += w * Example(outputs, r, data);
            weights += w;
        }
        return weights > 0 ? sum / weights : double.NaN;
    }

    public double Metric(float[] outputs, TrainingData data) => Task switch
    {
        PredictionKind.BinaryClassification => ValidationMetrics.Auc(outputs.AsSpan(0, data.Rows), data.Targets),
        PredictionKind.MulticlassClassification => ValidationMetrics.Accuracy(outputs, Classes, data.Classes),
        _ => LabelScale * ValidationMetrics.Rmse(outputs.AsSpan(0, data.Rows), data.Targets),
    };

    private double Example(float[] outputs, int r, TrainingData data)
    {
        switch (Kind)
        {
            case LossKind.BinaryCrossEntropy:
                {
                    double z = outputs[r], y = data.Targets[r];
                    return Math.Max(z, 0) - z * y + Math.Log(1 + Math.Exp(-Math.Abs(z)));
                }
            case LossKind.CrossEntropy:
                {
                    var row = outputs.AsSpan(r * Classes, Classes);
                    double max = double.NegativeInfinity, sum = 0;
                    foreach (var v in row)
                        max = Math.Max(max, v);
                    foreach (var v in row)
                        sum += Math.Exp(v - max);
                    return max + Math.Log(sum) - row[(int)data.Classes[r]];
                }
            case LossKind.Huber:
                {
                    var d = Math.Abs((double)outputs[r] - data.Targets[r]);
                    return d <= HuberDelta ? 0.5 * d * d : HuberDelta * (d - 0.5 * HuberDelta);
                }
            default:
                {
                    var d = (double)outputs[r] - data.Targets[r];
                    return d * d;
                }
        }
    }
}
