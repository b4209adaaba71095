namespace DeepML.Testing;

/// <summary>PredictionEngine output of a binary scorer: ML.NET's column names and types.</summary>
public sealed class BinaryPrediction
{
    /// <summary>The raw score (logit).</summary>
    public float Score { get; set; }
    /// <summary>The calibrated probability of the positive class.</summary>
    public float Probability { get; set; }
    /// <summary>The predicted label.</summary>
    public bool PredictedLabel { get; set; }
}

/// <summary>PredictionEngine output of a multiclass scorer: ML.NET's column names and types.</summary>
public sealed class MulticlassPrediction
{
    /// <summary>The class probabilities.</summary>
    public float[] Score { get; set; } = [];
    /// <summary>The predicted class as a key value (1-based).</summary>
    public uint PredictedLabel { get; set; }
}

/// <summary>PredictionEngine output of a regression scorer.</summary>
public sealed class RegressionPrediction
{
    /// <summary>The predicted value.</summary>
    public float Score { get; set; }
}
