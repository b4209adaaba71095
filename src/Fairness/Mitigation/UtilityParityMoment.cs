namespace DeepML.Fairness;

/// <summary>
/// Fairlearn's <c>UtilityParity</c> moment in its difference form (r = 1) with classification
/// utilities u = h(x): for each event e (all rows, or a label value) and group a,
/// γ(+,e,a) = E[h | A=a, e] − E[h | e] and γ(−,e,a) = −γ(+,e,a), each bounded by ε; the signed
/// weights of the cost-sensitive oracle are λ-weighted derivatives of λ·γ (Agarwal et al. 2018).
/// Constraint index: (sign·E + event)·G + group.
/// </summary>
internal sealed class UtilityParityMoment
{
    private readonly int[] _event;      // -1: row not in any event (e.g. Y=0 for TPR parity)
    private readonly int[] _group;
    private readonly int _events, _groups, _n;
    private readonly double[] _countEvent, _countGroupEvent;

    public UtilityParityMoment(ReductionConstraint constraint, byte[] label, int[] group, int groups)
    {
        _n = label.Length;
        _group = group;
        _groups = groups;
        _events = constraint == ReductionConstraint.EqualizedOdds ? 2 : 1;
        _event = new int[_n];
        for (var i = 0; i < _n; i++)
            _event[i] = constraint switch
            {
                ReductionConstraint.DemographicParity => 0,
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
            sumEvent[e] += prediction[i];
            sumGroupEvent[e * _groups + _group[i]] += prediction[i];
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

    /// <summary>The oracle's per-row signed weights for multipliers λ.</summary>
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
            if (_event[i] >= 0)
                weights[i] = lambdaEvent[_event[i]] - lambdaGroupEvent[_event[i] * _groups + _group[i]];
        return weights;
    }
}
