using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary>
/// Adversarial debiasing's adversary (training-only): predicts the sensitive group from the
/// predictor's logit z (and, for equalized odds, the label y), as in AIF360's
/// <c>AdversarialDebiasing</c>: <c>s = σ((1 + |c|)·z)</c> with a learned scalar c (initially 1), then
/// a linear layer (or one ReLU hidden layer) on <c>[s]</c> or <c>[s, s·y, s·(1 − y)]</c> → the
/// adversary's logits: one (for "group = 1") with two groups, one per group with more.
/// </summary>
internal sealed class AdversaryNetwork : Module<Tensor, Tensor, Tensor>
{
    // Field names are the state-dict names (RegisterComponents reads them).
    private readonly Parameter c;
    private readonly Sequential head;
    private readonly bool _seesLabel;

    /// <param name="seesLabel">Whether the adversary also sees the label (equalized odds).</param>
    /// <param name="hiddenUnits">0 for a linear head, otherwise the width of one ReLU hidden layer.</param>
    /// <param name="outputs">1 for two groups (a logistic adversary), K for K &gt; 2 groups (softmax).</param>
    public AdversaryNetwork(bool seesLabel, int hiddenUnits, int outputs) : base(nameof(AdversaryNetwork))
    {
        _seesLabel = seesLabel;
        var inputs = seesLabel ? 3 : 1;
        c = new Parameter(ones(1));
        head = hiddenUnits == 0
            ? Sequential(("0", Linear(inputs, outputs)))
            : Sequential(("0", Linear(inputs, hiddenUnits)), ("1", ReLU()), ("2", Linear(hiddenUnits, outputs)));
        RegisterComponents();
    }

    /// <summary>logit [B], label [B] (0/1) → the adversary's logits [B, outputs].</summary>
    public override Tensor forward(Tensor logit, Tensor label)
    {
        using var one = 1.0.ToScalar();        // scalars held explicitly: see ParameterOptimizer's remarks
        using var minusOne = (-1.0).ToScalar();
        var s = sigmoid(c.abs().add(one, one).mul(logit));               // [B]
        var input = _seesLabel
            ? stack([s, s.mul(label), s.add(s.mul(label), minusOne)], 1) // [B, 3]: s, s·y, s·(1 − y)
            : s.unsqueeze(1);                                             // [B, 1]
        return head.call(input);                                         // [B, outputs]
    }
}
