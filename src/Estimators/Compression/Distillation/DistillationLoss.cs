using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DeepML;

/// <summary>
/// The soft part of the distillation loss (<see cref="DistillationOptions"/>): the weighted mean over a batch of
/// <c>KL(p_teacher^T ‖ p_student^T)</c> for classification, the weighted mean squared difference for regression.
/// </summary>
internal static class DistillationLoss
{
    /// <summary>The soft loss of a batch.</summary>
    /// <param name="task">The task.</param>
    /// <param name="student">The student's raw outputs <c>[B, outputs]</c> (logits; the prediction for regression).</param>
    /// <param name="teacher">The teacher's <c>[B, outputs]</c> logits (log-probabilities for multiclass), or targets for regression.</param>
    /// <param name="temperature">T (classification).</param>
    /// <param name="weight">Per-example weights <c>[B]</c>.</param>
    public static Tensor Soft(PredictionKind task, Tensor student, Tensor teacher, double temperature, Tensor weight)
    {
        var perExample = task switch
        {
            PredictionKind.BinaryClassification => BernoulliKl(student.squeeze(1) / temperature, teacher.squeeze(1) / temperature),
            PredictionKind.MulticlassClassification => CategoricalKl(student / temperature, teacher / temperature),
            _ => (student.squeeze(1) - teacher.squeeze(1)).square(),
        };
        return (perExample * weight).sum() / weight.sum();
    }

    /// <summary>KL(Bernoulli(σ(t)) ‖ Bernoulli(σ(s))) per example, from logits, without overflow.</summary>
    private static Tensor BernoulliKl(Tensor s, Tensor t)
    {
        var p = F.sigmoid(t);
        // log σ(x) = −softplus(−x), log(1 − σ(x)) = −softplus(x)
        return p * (F.softplus(-s) - F.softplus(-t)) + (1 - p) * (F.softplus(s) - F.softplus(t));
    }

    /// <summary>KL(softmax(t) ‖ softmax(s)) per example.</summary>
    private static Tensor CategoricalKl(Tensor s, Tensor t)
    {
        var logP = F.log_softmax(t, 1);
        return (logP.exp() * (logP - F.log_softmax(s, 1))).sum(1);
    }
}
