namespace DeepML.Fairness;

/// <summary>
/// Fairlearn's <c>UtilityParity</c> moment in its difference form (r = 1): for each event e (all
/// rows, or a label value) and group a, γ(+,e,a) = E[u | A=a, e] − E[u | e] and γ(−,e,a) = −γ(+,e,a),
/// each bounded by ε; the signed weights of the cost-sensitive oracle are λ-weighted derivatives of
/// λ·γ (Agarwal et al. 2018). The utility u is the prediction h(x) for demographic parity and the
/// rate parities, and the error 1[h(x) ≠ y] for error rate parity. Constraint index:
/// (sign·E + event)·G + group.
/// </summary>
/// <remarks>
/// Signed weights. Fairlearn writes the utility of row i as u_i = u_i(0) + h_i·(u_i(1) − u_i(0)),
/// with (u_i(0), u_i(1)) = (0, 1) for h(x) and (y_i, 1 − y_i) for the error. γ is a mean of u over
/// an (event, group) cell minus a mean over the event, so λ·γ is linear in u:
/// λ·γ = Σ_i u_i·(net_{e_i,g_i}/(n·P(e_i, g_i)) − Σ_a net_{e_i,a}/(n·P(e_i))), with net = λ⁺ − λ⁻.
/// Writing v_i = Σ_a net_{e_i,a}/P(e_i) − net_{e_i,g_i}/P(e_i, g_i), this is λ·γ = −(1/n)·Σ_i u_i·v_i,
/// hence n·∂(λ·γ)/∂h_i = −(u_i(1) − u_i(0))·v_i. The oracle's signed weight is minus n times the
/// derivative of the Lagrangian, so the moment contributes (u_i(1) − u_i(0))·v_i: v_i for h(x),
/// and (1 − 2y_i)·v_i for the error (Fairlearn's <c>utility_diff · adjust</c>). With the error rate
/// objective's own weight 2y_i − 1 (from n·∂err/∂h_i = 1 − 2y_i) error rate parity gives the total
/// w_i = (2y_i − 1)(1 − v_i): the oracle keeps row i's label when v_i &lt; 1 and flips it when
/// v_i &gt; 1, with weight |1 − v_i|. The constant Σ_i u_i(0)·v_i does not depend on h, so it moves γ
/// but not the oracle.
/// </remarks>
internal sealed class UtilityParityMoment
{
    private readonly byte[] _label;
    private readonly bool _errorUtility;  // u = 1[h ≠ y] (error rate parity) instead of u = h
    private readonly int[] _event;      // -1: row not in any event (e.g. Y=0 for TPR parity)
    private readonly int[] _group;
    private readonly int _events, _groups, _n;
    private readonly double[] _countEvent, _countGroupEvent;

    public UtilityParityMoment(ReductionConstraint constraint, byte[] label, int[] group, int groups)
    {
        _n = label.Length;
        _label = label;
        _group = group;
        _groups = groups;
        _errorUtility = constraint == ReductionConstraint.ErrorRateParity;
        _events = constraint == ReductionConstraint.EqualizedOdds ? 2 : 1;
        _event = new int[_n];
        for (var i = 0; i < _n; i++)
            _event[i] = constraint switch
            {
                ReductionConstraint.DemographicParity or ReductionConstraint.ErrorRateParity => 0,
                ReductionConstraint.EqualizedOdds => label[i],
                ReductionConstraint.TruePositiveRateParity => label[i] == 1 ? 0 : -1,
                _ => label[i] == 0 ? 0 : -1,
            };
        _countEvent = new double[_events];
        _countGroupEvent = new double[_events * groups];
        for (var i = 0; i < _n; i++)
        {
            if (_event[i] < 0)
                continue;
            _countEvent[_event[i]]++;
            _countGroupEvent[_event[i] * groups + group[i]]++;
        }
    }

    /// <summary>Number of constraints (two signs × events × groups).</summary>
    public int Count => 2 * _events * _groups;

    /// <summary>γ of a predictor given its 0/1 predictions on the training rows.</summary>
    public double[] Gamma(byte[] prediction)
    {
        var sumEvent = new double[_events];
        var sumGroupEvent = new double[_events * _groups];
        for (var i = 0; i < _n; i++)
        {
            var e = _event[i];
            if (e < 0)
                continue;
            var u = _errorUtility ? prediction[i] ^ _label[i] : prediction[i];
            sumEvent[e] += u;
            sumGroupEvent[e * _groups + _group[i]] += u;
        }
        var gamma = new double[Count];
        for (var e = 0; e < _events; e++)
            for (var g = 0; g < _groups; g++)
            {
                var k = e * _groups + g;
                if (_countGroupEvent[k] == 0)
                    continue; // an empty (event, group) cell has no constraint
                var d = sumGroupEvent[k] / _countGroupEvent[k] - sumEvent[e] / _countEvent[e];
                gamma[k] = d;
                gamma[_events * _groups + k] = -d;
            }
        return gamma;
    }

    /// <summary>The oracle's per-row signed weights for multipliers λ (the moment's part; see the remarks).</summary>
    public double[] SignedWeights(double[] lambda)
    {
        var half = _events * _groups;
        var lambdaEvent = new double[_events];
        var lambdaGroupEvent = new double[half];
        for (var e = 0; e < _events; e++)
            for (var g = 0; g < _groups; g++)
            {
                var k = e * _groups + g;
                if (_countGroupEvent[k] == 0)
                    continue;
                var net = lambda[k] - lambda[half + k];
                lambdaEvent[e] += net / (_countEvent[e] / _n);
                lambdaGroupEvent[k] = net / (_countGroupEvent[k] / _n);
            }
        var weights = new double[_n];
        for (var i = 0; i < _n; i++)
        {
            if (_event[i] < 0)
                continue;
            var v = lambdaEvent[_event[i]] - lambdaGroupEvent[_event[i] * _groups + _group[i]];
            weights[i] = _errorUtility ? (1 - 2 * _label[i]) * v : v; // utility difference u(1) − u(0)
        }
        return weights;
    }
}
