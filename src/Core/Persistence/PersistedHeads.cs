using System.ComponentModel;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace DeepML.Persistence;

// The stateless steps that turn ONNX Runtime's raw outputs into ML.NET's prediction columns inside a
// saved model (see SurrogateChain). ML.NET persists a CustomMapping step as its contract name plus
// this assembly's name, and since ML.NET 1.5 loads that assembly itself when the model is loaded.
// They must stay public (ML.NET builds their getters by reflection) and their contract names and
// column names are part of the saved-model format: never rename them, add a new contract instead.

/// <summary>Input of the binary head: the network's logit as ML.NET's ONNX step gives it (a vector of one).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class BinaryHeadInput
{
    /// <summary>The logit, <c>Vector&lt;Single, 1&gt;</c>.</summary>
    [ColumnName(OnnxNames.Logits)]
    public float[] Logits { get; set; } = [];
}

/// <summary>Output of the binary head: ML.NET's binary prediction columns.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class BinaryHeadOutput
{
    /// <summary>The logit.</summary>
    public float Score { get; set; }

    /// <summary>sigmoid(logit).</summary>
    public float Probability { get; set; }

    /// <summary>logit &gt; 0.</summary>
    public bool PredictedLabel { get; set; }
}

/// <summary>Saved-model step of DeepML binary classifiers: logit → Score, Probability, PredictedLabel (as the in-process scorer computes them).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[CustomMappingFactoryAttribute(ContractName)]
public sealed class BinaryHeadFactory : CustomMappingFactory<BinaryHeadInput, BinaryHeadOutput>
{
    /// <summary>The contract name stored in saved models.</summary>
    public const string ContractName = "DeepML.BinaryHead.v1";

    /// <summary>The mapping, shared with <see cref="NetworkScoringTransformer"/>'s own getters.</summary>
    public static void Map(BinaryHeadInput input, BinaryHeadOutput output)
    {
        var logit = input.Logits[0];
        output.Score = logit;
        output.Probability = ScoringHead.Sigmoid(logit);
        output.PredictedLabel = logit > 0;
    }

    /// <inheritdoc />
    public override Action<BinaryHeadInput, BinaryHeadOutput> GetMapping() => Map;
}

/// <summary>Input of the regression head: the network's output as a vector of one.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class RegressionHeadInput
{
    /// <summary>The output, <c>Vector&lt;Single, 1&gt;</c>.</summary>
    [ColumnName(OnnxNames.Output)]
    public float[] Output { get; set; } = [];
}

/// <summary>Output of the regression head.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class RegressionHeadOutput
{
    /// <summary>The prediction.</summary>
    public float Score { get; set; }
}

/// <summary>Saved-model step of DeepML regressors: output → Score.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[CustomMappingFactoryAttribute(ContractName)]
public sealed class RegressionHeadFactory : CustomMappingFactory<RegressionHeadInput, RegressionHeadOutput>
{
    /// <summary>The contract name stored in saved models.</summary>
    public const string ContractName = "DeepML.RegressionHead.v1";

    /// <summary>The mapping.</summary>
    public static void Map(RegressionHeadInput input, RegressionHeadOutput output) => output.Score = input.Output[0];

    /// <inheritdoc />
    public override Action<RegressionHeadInput, RegressionHeadOutput> GetMapping() => Map;
}

/// <summary>Input of the multiclass head: the network's logits.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class MulticlassHeadInput
{
    /// <summary>The logits, <c>Vector&lt;Single, K&gt;</c>.</summary>
    [ColumnName(OnnxNames.Logits)]
    public float[] Logits { get; set; } = [];
}

/// <summary>
/// Output of the multiclass head: the softmax (a vector of unknown size, which the saved model's next
/// ONNX step turns into <c>Vector&lt;Single, K&gt;</c>) and the 1-based key of the largest logit.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class MulticlassHeadOutput
{
    /// <summary>Column name of <see cref="Probabilities"/>.</summary>
    public const string ProbabilitiesColumn = "deepml_probabilities";

    /// <summary>Column name of <see cref="PredictedKey"/>.</summary>
    public const string PredictedKeyColumn = "deepml_predicted_key";

    /// <summary>softmax(logits).</summary>
    [ColumnName(ProbabilitiesColumn)]
    public float[] Probabilities { get; set; } = [];

    /// <summary>1-based index of the largest logit; 0 when a logit is NaN.</summary>
    [ColumnName(PredictedKeyColumn)]
    public uint PredictedKey { get; set; }
}

/// <summary>Saved-model step of DeepML multiclass classifiers: logits → softmax, arg-max key.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[CustomMappingFactoryAttribute(ContractName)]
public sealed class MulticlassHeadFactory : CustomMappingFactory<MulticlassHeadInput, MulticlassHeadOutput>
{
    /// <summary>The contract name stored in saved models.</summary>
    public const string ContractName = "DeepML.MulticlassHead.v1";

    /// <summary>The mapping.</summary>
    public static void Map(MulticlassHeadInput input, MulticlassHeadOutput output)
    {
        var logits = input.Logits;
        if (output.Probabilities.Length != logits.Length)
            output.Probabilities = new float[logits.Length];
        ScoringHead.Softmax(logits, output.Probabilities);
        output.PredictedKey = ScoringHead.ArgMaxKey(logits);
    }

    /// <inheritdoc />
    public override Action<MulticlassHeadInput, MulticlassHeadOutput> GetMapping() => Map;
}
