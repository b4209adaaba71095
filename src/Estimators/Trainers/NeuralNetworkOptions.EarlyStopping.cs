using Microsoft.ML;

namespace DeepML;

// Validation data and early stopping.
public sealed partial record NeuralNetworkOptions
{
    /// <summary>
    /// Fraction of the training rows held out (seeded) for validation when <see cref="ValidationData"/>
    /// is not given, in [0, 0.5]; 0 holds out none. Default 0.1.
    /// </summary>
    public double ValidationFraction { get => _validationFraction; init => _validationFraction = Check(value, value >= 0 && value <= 0.5, nameof(ValidationFraction), "in [0, 0.5]"); }

    /// <summary>Validation rows (same schema as training); takes precedence over <see cref="ValidationFraction"/>.</summary>
    public IDataView? ValidationData { get; init; }

    /// <summary>
    /// Stop after this many epochs without a validation-loss improvement and restore the best
    /// weights; 0 turns early stopping off (the best weights are still restored when there is
    /// validation data). Default 0.
    /// </summary>
    public int EarlyStoppingPatience { get => _earlyStoppingPatience; init => _earlyStoppingPatience = Check(value, value >= 0, nameof(EarlyStoppingPatience), "≥ 0 (0 = off)"); }

    /// <summary>The smallest validation-loss decrease that counts as an improvement; ≥ 0. Default 0.</summary>
    public double EarlyStoppingMinDelta { get => _earlyStoppingMinDelta; init => _earlyStoppingMinDelta = Check(value, double.IsFinite(value) && value >= 0, nameof(EarlyStoppingMinDelta), "a finite value ≥ 0"); }
}
