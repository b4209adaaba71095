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
/// <para>Two backward passes over one forward graph: L_A first (retaining the graph), which leaves g_A in
/// the predictor's gradients and ∇L_A in the adversary's; g_A is copied out and the predictor's
/// gradients zeroed; then the task loss L_P, which leaves g_P; then the projection, in place.</para>
/// <para>L_A is binary cross-entropy on one logit with two groups (AIF360's adversary, unchanged from
/// the two-group-only version, so its results are bit-identical) and softmax cross-entropy on K
/// logits with K &gt; 2 groups.</para>
/// </remarks>
internal sealed partial class AdversarialDebiasingStep : IDisposable
{
    private readonly AdversarialDebiasingOptions _options;
    private readonly IReadOnlyList<string> _groups;
    private readonly Parameter[] _predictor;
    private readonly AdversaryNetwork _adversary;
    private readonly ParameterOptimizer _optimizer;
    private double _lossSum;
    private double _weightSum;

    /// <summary>Builds the adversary (from TorchSharp's seeded global generator) on <paramref name="device"/>.</summary>
    /// <param name="options">The debiasing options.</param>
    /// <param name="groups">The sensitive groups in index order (2 to <see cref="SensitiveGroupColumn.MaxGroups"/>).</param>
    /// <param name="predictor">The predictor's parameters.</param>
    /// <param name="device">Where the predictor lives.</param>
    public AdversarialDebiasingStep(AdversarialDebiasingOptions options, IReadOnlyList<string> groups, IEnumerable<Parameter> predictor, Device device)
    {
        if (groups.Count is < 2 or > SensitiveGroupColumn.MaxGroups)
            throw new ArgumentOutOfRangeException(nameof(groups), groups.Count, $"Adversarial debiasing needs 2 to {SensitiveGroupColumn.MaxGroups} groups.");
        _options = options;
        _groups = groups.ToArray();
        _predictor = predictor.ToArray();
        _adversary = new AdversaryNetwork(options.Objective == AdversarialObjective.EqualizedOdds, options.AdversaryHiddenUnits, Outputs);
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

    /// <summary>The adversary's outputs: one logit for two groups, one per group for more.</summary>
    private int Outputs => _groups.Count == 2 ? 1 : _groups.Count;

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
    /// <param name="sensitive">Group indices [B] (float; 0/1 with two groups).</param>
    /// <param name="epoch">The current epoch, from 1.</param>
    public void Backward(Tensor predictorLoss, Tensor output, Tensor label, Tensor weight, Tensor sensitive, int epoch)
    {
        var debias = epoch > _options.WarmUpEpochs;
        _adversary.zero_grad();
        var logit = output.squeeze(1);                                         // [B]
        var guess = _adversary.call(debias ? logit : logit.detach(), label);   // [B, 1] or [B, K]
        var perExample = Outputs == 1                                          // [B]
            ? F.binary_cross_entropy_with_logits(guess.squeeze(1), sensitive, reduction: nn.Reduction.None)
            : F.cross_entropy(guess, sensitive.to(ScalarType.Int64), reduction: nn.Reduction.None);
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

    /// <summary>
    /// The epoch's weighted mean adversary loss, then resets it. An adversary that learned nothing
    /// scores the groups' entropy: ln 2 ≈ 0.693 for two equal groups, ln K for K equal groups.
    /// </summary>
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
        _sensitive?.Dispose();
    }
}
