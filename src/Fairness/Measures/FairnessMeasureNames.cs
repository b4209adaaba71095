namespace DeepML.Fairness;

/// <summary>
/// Names, formulas and conventions of the binary fairness measures reported by
/// <see cref="GroupMetrics.Measure(string)"/>. Fairlearn's measures are unsigned and use
/// <see cref="GroupMetricsOptions.Comparison"/> (between groups by default); AIF360's are signed and
/// directional, unprivileged − privileged (or unprivileged / privileged), where the privileged group is
/// <see cref="GroupMetricsOptions.PrivilegedGroup"/> and the unprivileged group is every other row
/// pooled. Without a privileged group the AIF360 measures are NaN.
/// </summary>
public static class FairnessMeasureNames
{
    /// <summary>Fairlearn <c>demographic_parity_difference</c>: SelectionRate.Difference(method) = max_a SR_a − min_a SR_a (≥ 0; 0 is fair).</summary>
    public const string DemographicParityDifference = "DemographicParityDifference";
    /// <summary>Fairlearn <c>demographic_parity_ratio</c>: SelectionRate.Ratio(method) = min_a SR_a / max_a SR_a (≤ 1; 1 is fair).</summary>
    public const string DemographicParityRatio = "DemographicParityRatio";
    /// <summary>Fairlearn <c>equalized_odds_difference(agg='worst_case')</c>: max(D_TPR, D_FPR).</summary>
    public const string EqualizedOddsDifference = "EqualizedOddsDifference";
    /// <summary>Fairlearn <c>equalized_odds_difference(agg='mean')</c>: (D_TPR + D_FPR) / 2; with two groups between groups this is AIF360's average_abs_odds_difference.</summary>
    public const string EqualizedOddsDifferenceMean = "EqualizedOddsDifferenceMean";
    /// <summary>Fairlearn <c>equalized_odds_ratio(agg='worst_case')</c>: min(R_TPR, R_FPR).</summary>
    public const string EqualizedOddsRatio = "EqualizedOddsRatio";
    /// <summary>Fairlearn <c>equalized_odds_ratio(agg='mean')</c>: (R_TPR + R_FPR) / 2.</summary>
    public const string EqualizedOddsRatioMean = "EqualizedOddsRatioMean";
    /// <summary>Fairlearn <c>equal_opportunity_difference</c>: TruePositiveRate.Difference(method) (unsigned).</summary>
    public const string EqualOpportunityDifference = "EqualOpportunityDifference";
    /// <summary>Fairlearn <c>equal_opportunity_ratio</c>: TruePositiveRate.Ratio(method).</summary>
    public const string EqualOpportunityRatio = "EqualOpportunityRatio";
    /// <summary>AIF360 <c>disparate_impact</c>: SR_unpriv / SR_priv (signed direction; can exceed 1; the "80% rule" asks ≥ 0.8).</summary>
    public const string DisparateImpact = "DisparateImpact";
    /// <summary>AIF360 <c>statistical_parity_difference</c>: SR_unpriv − SR_priv (signed).</summary>
    public const string StatisticalParityDifference = "StatisticalParityDifference";
    /// <summary>AIF360 <c>average_odds_difference</c>: ½[(FPR_u − FPR_p) + (TPR_u − TPR_p)] (signed; the two terms can cancel).</summary>
    public const string AverageOddsDifference = "AverageOddsDifference";
    /// <summary>AIF360 <c>average_abs_odds_difference</c>: ½[|FPR_u − FPR_p| + |TPR_u − TPR_p|].</summary>
    public const string AverageAbsOddsDifference = "AverageAbsOddsDifference";
    /// <summary>AIF360 <c>equal_opportunity_difference</c>: TPR_u − TPR_p (signed).</summary>
    public const string TruePositiveRateDifference = "TruePositiveRateDifference";
    /// <summary>AIF360 <c>theil_index</c>: GE(1) = (1/n) Σ (b_i/μ) ln(b_i/μ), b_i = ŷ_i − y_i + 1, 0·ln 0 = 0 (weighted by example weights).</summary>
    public const string TheilIndex = "TheilIndex";
    /// <summary>AIF360 <c>generalized_entropy_index(alpha)</c>: GE(α) = (1/(n α(α−1))) Σ[(b_i/μ)^α − 1] (α = <see cref="GroupMetricsOptions.EntropyAlpha"/>, default 2).</summary>
    public const string GeneralizedEntropyIndex = "GeneralizedEntropyIndex";
    /// <summary>AIF360 <c>smoothed_empirical_differential_fairness</c> of the predictions over the observed (intersectional) groups: sbr_g = (N⁺_g + α/2)/(N_g + α); EDF = max_{g,h} max(|ln sbr_g − ln sbr_h|, |ln(1−sbr_g) − ln(1−sbr_h)|).</summary>
    public const string SmoothedEmpiricalDifferentialFairness = "SmoothedEmpiricalDifferentialFairness";
    /// <summary>The same smoothed EDF computed on the labels (AIF360's dataset metric).</summary>
    public const string SmoothedEmpiricalDifferentialFairnessLabels = "SmoothedEmpiricalDifferentialFairnessLabels";
    /// <summary>AIF360 <c>differential_fairness_bias_amplification</c>: EDF(predictions) − EDF(labels).</summary>
    public const string DifferentialFairnessBiasAmplification = "DifferentialFairnessBiasAmplification";
}
