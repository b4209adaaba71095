using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DeepML;

/// <summary>
/// The training loop's backward pass with adversarial debiasing (Zhang, Lemoine &amp; Mitchell 2018):
/// the adversary predicts the sensitive group from the predictor's logit (and the label, for
/// equalized odds); its parameters descend its loss L_A with their own Adam; each predictor
/// parameter tensor gets <c>g_P − (g_P·û)·û − α·g_A</c> (<see cref="GradientProjection"/>), where g_A
/// is ∇L_A with respect to that tensor. Owns the adversary and its optimizer.
/// </summary>
/// <remarks>
/// Two backward passes over one forward graph: L_A first (retaining the graph), which leaves g_A in
/// the predictor's gradients and ∇L_A in the adversary's; g_A is copied out and the predictor's
/// gradients zeroed; then the task loss L_P, which leaves g_P; then the projection, in place.
/// </remarks>
internal sealed class AdversarialDebiasingStep : IDisposable
{
    private readonly AdversarialDebiasingOptions _options;
    private readonly Parameter[] _predictor;
    private readonly AdversaryNetwork _adversary;
    private readonly ParameterOptimizer _optimizer;
    private double _lossSum;
    private double _weightSum;

    /// <summary>Builds the adversary (from TorchSharp's seeded global generator) on <paramref name="device"/>.</summary>
    public AdversarialDebiasingStep(AdversarialDebiasingOptions options, IEnumerable<Parameter> predictor, Device device)
    {
        _options = options;
        _predictor = predictor.ToArray();
        _adversary = new AdversaryNetwork(options.Objective == AdversarialObjective.EqualizedOdds, options.AdversaryHiddenUnits);
        try
        {
            _adversary.to(device);
            _optimizer = new ParameterOptimizer(_adversary.parameters(), OptimizerKind.Adam, options.AdversaryLearningRate, weightDecay: 0, momentum: 0);
        }
        catch
        {
            _adversary.Dispose();
            throw;
        }
    }

    /// <summary>The adversary (for tests that recompute its loss independently).</summary>
    internal AdversaryNetwork Adversary => _adversary;

    /// <summary>Fails (with an <see cref="ArgumentException"/> naming the option) where debiasing cannot run.</summary>
    public static void CheckOptions(NeuralNetworkOptions options, PredictionKind task)
    {
        if (options.AdversarialDebiasing is null)
            return;
        if (task != PredictionKind.BinaryClassification)
            throw new ArgumentException(
                $"NeuralNetworkOptions: AdversarialDebiasing applies to binary classification only, but this trainer does {task}. " +
                "Set AdversarialDebiasing to null, or train with ml.DeepML().BinaryClassification.NeuralNetwork(...).", nameof(NeuralNetworkOptions.AdversarialDebiasing));
        if (options.CheckpointPath is not null || options.ResumeFromCheckpoint is not null)
            throw new ArgumentException(
                "NeuralNetworkOptions: AdversarialDebiasing cannot be combined with CheckpointPath or ResumeFromCheckpoint: checkpoints do not hold the adversary's state, so a resumed run would differ from an uninterrupted one. " +
                "Remove CheckpointPath and ResumeFromCheckpoint, or train without AdversarialDebiasing.", nameof(NeuralNetworkOptions.AdversarialDebiasing));
    }

    /// <summary>
    /// Replaces <c>predictorLoss.backward()</c>: afterwards the predictor's gradients hold the
    /// debiased gradient and the adversary's hold ∇L_A. During the warm-up epochs
    /// (<see cref="AdversarialDebiasingOptions.WarmUpEpochs"/>), the adversary learns on a detached
    /// logit and the predictor gets plain g_P.
    /// </summary>
    /// <param name="predictorLoss">L_P, scalar (task loss plus any penalty).</param>
    /// <param name="output">The predictor's output [B, 1] (logits).</param>
    /// <param name="label">Labels [B], 0/1.</param>
    /// <param name="weight">Example weights [B].</param>
    /// <param name="sensitive">Groups [B], 0/1.</param>
    /// <param name="epoch">The current epoch, from 1.</param>
    public void Backward(Tensor predictorLoss, Tensor output, Tensor label, Tensor weight, Tensor sensitive, int epoch)
    {
        var debias = epoch > _options.WarmUpEpochs;
        _adversary.zero_grad();
        var logit = output.squeeze(1);                                         // [B]
        var guess = _adversary.call(debias ? logit : logit.detach(), label);   // [B]
        var perExample = F.binary_cross_entropy_with_logits(guess, sensitive, reduction: nn.Reduction.None);
        var adversaryLoss = perExample.mul(weight).sum().div(weight.sum());    // L_A, weighted like L_P
        var batchWeight = (double)weight.sum().item<float>();
        _lossSum += adversaryLoss.item<float>() * batchWeight;
        _weightSum += batchWeight;
        if (!debias)
        {
            adversaryLoss.backward();
            predictorLoss.backward();
            return;
        }

        adversaryLoss.backward(retain_graph: true);          // predictor grads = g_A; adversary grads = ∇L_A
        var adversaryGradients = new Tensor?[_predictor.Length];
        using (no_grad())
        {
            for (var i = 0; i < _predictor.Length; i++)
            {
                using var g = _predictor[i].grad;
                adversaryGradients[i] = g?.clone();           // freed with the batch's dispose scope
                g?.zero_();                                   // so that L_P's backward leaves exactly g_P
            }
        }
        predictorLoss.backward();                             // predictor grads = g_P
        for (var i = 0; i < _predictor.Length; i++)
        {
            using var g = _predictor[i].grad;
            if (g is not null && adversaryGradients[i] is { } gA)
                GradientProjection.Apply(g, gA, _options.Alpha);
        }
    }

    /// <summary>One Adam step of the adversary (after the predictor's step).</summary>
    public void Step() => _optimizer.Step();

    /// <summary>The epoch's weighted mean adversary loss (ln 2 ≈ 0.693 is a coin flip), then resets it.</summary>
    public double TakeEpochLoss()
    {
        var loss = _weightSum > 0 ? _lossSum / _weightSum : double.NaN;
        _lossSum = _weightSum = 0;
        return loss;
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _adversary.Dispose();
    }
}
