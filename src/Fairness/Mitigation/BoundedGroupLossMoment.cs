namespace DeepML.Fairness;

/// <summary>
/// Fairlearn's <c>BoundedGroupLoss</c> moment with its default objective <c>MeanLoss</c>: for each
/// group a, γ_a = E[ℓ(Y, h(X)) | A = a], constrained by γ_a ≤ ζ (one constraint per group, λ_a ≥ 0);
/// the objective is the overall mean loss (1/n)·Σ_i ℓ_i. The loss clips both the label and the
/// prediction into the label range [min, max] first, as Fairlearn's <c>SquareLoss(min_val, max_val)</c>
/// and <c>AbsoluteLoss(min_val, max_val)</c> do: ℓ = (clip(y) − clip(ŷ))² or |clip(y) − clip(ŷ)|, in
/// the label's units (squared units for the square loss), not rescaled to [0, 1].
/// </summary>
/// <remarks>
/// Oracle weights. With n rows and n_a rows in group a, the Lagrangian of a single predictor h is
/// L(h, λ) = (1/n)·Σ_i ℓ_i(h) + Σ_a λ_a·((1/n_a)·Σ_{i: A_i = a} ℓ_i(h) − ζ).
/// Every row belongs to exactly one group, so the double sum regroups row by row:
/// L(h, λ) = Σ_i ℓ_i(h)·(1/n + λ_{A_i}/n_{A_i}) − ζ·Σ_a λ_a.
/// The last term does not depend on h, so the best response to λ minimises the weighted loss
/// Σ_i w_i·ℓ_i(h) with w_i = 1/n + λ_{A_i}/n_{A_i}. Unlike the classification oracle there is nothing
/// to relabel: every w_i is positive (λ ≥ 0), so the oracle is a weighted regression on the original
/// labels. Fairlearn writes the same weight as n·w_i = 1 + λ_a/P(A = a) (objective weight 1 plus
/// <c>signed_weights</c> = λ_a/P(A=a)) and rescales the weights to sum to n; the scale changes no
/// minimiser, and <see cref="OracleWeights"/> returns that rescaled form. The trainer minimises its own
/// loss (for example squared error for SDCA) under these weights; that equals the weighted Lagrangian
/// only when the trainer's loss is the moment's loss, the same approximation Fairlearn makes.
/// </remarks>
internal sealed class BoundedGroupLossMoment
{
    private readonly double[] _label;
    private readonly int[] _group;
    private readonly double[] _groupCount;
    private readonly double _min, _max;
    private readonly GroupLoss _loss;

    public BoundedGroupLossMoment(GroupLoss loss, double min, double max, double[] label, int[] group, int groups)
    {
        _loss = loss;
        _min = min;
        _max = max;
        _label = label;
        _group = group;
        _groupCount = new double[groups];
        foreach (var g in group)
            _groupCount[g]++;
    }

    /// <summary>Number of constraints: one per group.</summary>
    public int Count => _groupCount.Length;

    /// <summary>The loss of one row: label and prediction clipped into [min, max] first.</summary>
    public double Loss(double label, double prediction)
    {
        var d = Math.Clamp(label, _min, _max) - Math.Clamp(prediction, _min, _max);
        return _loss == GroupLoss.Square ? d * d : Math.Abs(d);
    }

    /// <summary>γ_a = the mean loss of group a, for every group.</summary>
    public double[] Gamma(double[] prediction)
    {
        var sum = new double[Count];
        for (var i = 0; i < _label.Length; i++)
            sum[_group[i]] += Loss(_label[i], prediction[i]);
        for (var g = 0; g < sum.Length; g++)
            sum[g] = _groupCount[g] > 0 ? sum[g] / _groupCount[g] : 0; // an empty intersection has no loss to bound
        return sum;
    }

    /// <summary>The objective: the mean loss over all rows.</summary>
    public double MeanLoss(double[] prediction)
    {
        double sum = 0;
        for (var i = 0; i < _label.Length; i++)
            sum += Loss(_label[i], prediction[i]);
        return sum / _label.Length;
    }

    /// <summary>
    /// The oracle's example weights for λ: n·w_i = 1 + λ_{A_i}·n/n_{A_i} rescaled to sum to n (see the remarks).
    /// </summary>
    public double[] OracleWeights(double[] lambda)
    {
        var n = _label.Length;
        var weights = new double[n];
        double total = 0;
        for (var i = 0; i < n; i++)
        {
            weights[i] = 1 + lambda[_group[i]] * n / _groupCount[_group[i]];
            total += weights[i];
        }
        for (var i = 0; i < n; i++)
            weights[i] = n * weights[i] / total;
        return weights;
    }
}
