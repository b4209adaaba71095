using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML;

/// <summary>
/// The columns a trainer reads, checked against a schema before anything is read: feature
/// (known-size vector of Single), label (per task), optional example weight (Single).
/// </summary>
internal sealed class TrainingSchema
{
    private TrainingSchema(DataViewSchema.Column features, DataViewSchema.Column label, DataViewSchema.Column? weight, int featureCount, int classCount, IReadOnlyList<string> classNames, IReadOnlyList<string> featureNames, DataViewSchema.Column? sensitive)
    {
        Features = features;
        Label = label;
        Weight = weight;
        FeatureCount = featureCount;
        ClassCount = classCount;
        ClassNames = classNames;
        FeatureNames = featureNames;
        Sensitive = sensitive;
    }

    public DataViewSchema.Column Features { get; }
    public DataViewSchema.Column Label { get; }
    public DataViewSchema.Column? Weight { get; }
    public int FeatureCount { get; }

    /// <summary>Multiclass: the label's key count; binary: 2; regression: 0.</summary>
    public int ClassCount { get; }

    /// <summary>Multiclass: the label's key values as text (or "0".."K-1"); otherwise empty.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The feature vector's slot names where present; otherwise empty.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Adversarial debiasing's sensitive column; null when debiasing is off.</summary>
    public DataViewSchema.Column? Sensitive { get; }

    public static TrainingSchema Resolve(DataViewSchema schema, NeuralNetworkOptions options, PredictionKind task, string component)
    {
        var features = ColumnChecks.Find(schema, component, "feature", options.FeatureColumnName);
        var featureCount = ColumnChecks.RequireFloatVector(features, component, "feature");
        var label = ColumnChecks.Find(schema, component, "label", options.LabelColumnName);
        CheckLabel(label.Type, label.Name, task, component);
        DataViewSchema.Column? weight = null;
        if (options.ExampleWeightColumnName is { } weightName)
        {
            weight = ColumnChecks.Find(schema, component, "example weight", weightName);
            if (weight.Value.Type != NumberDataViewType.Single)
                throw ColumnChecks.Mismatch(component, "example weight", weightName, "Single", ColumnChecks.Describe(weight.Value.Type), "Convert it with ml.Transforms.Conversion.ConvertType(..., DataKind.Single).");
        }
        var classCount = task switch
        {
            PredictionKind.MulticlassClassification => (int)((KeyDataViewType)label.Type).Count,
            PredictionKind.BinaryClassification => 2,
            _ => 0,
        };
        if (task == PredictionKind.MulticlassClassification && classCount < 2)
            throw ColumnChecks.Mismatch(component, "label", label.Name, "a key type with at least 2 values", ColumnChecks.Describe(label.Type), "A multiclass label needs two or more classes.");
        var classNames = task == PredictionKind.MulticlassClassification ? KeyNames(label, classCount) : [];
        var sensitive = options.AdversarialDebiasing is { } adversarial ? SensitiveGroupColumn.Resolve(schema, adversarial.SensitiveColumnName, component) : (DataViewSchema.Column?)null;
        return new TrainingSchema(features, label, weight, featureCount, classCount, classNames, SlotNames(features, featureCount), sensitive);
    }

    /// <summary>The same checks on a schema shape (pipeline construction time, sizes not yet known).</summary>
    public static void Check(SchemaShape shape, NeuralNetworkOptions options, PredictionKind task, string component)
    {
        var features = ColumnChecks.Find(shape, component, "feature", options.FeatureColumnName);
        ColumnChecks.RequireFloatVector(features, component, "feature");
        var label = ColumnChecks.Find(shape, component, "label", options.LabelColumnName);
        if (label.Kind != SchemaShape.Column.VectorKind.Scalar)
            throw ColumnChecks.Mismatch(component, "label", label.Name, ExpectedLabel(task), ColumnChecks.Describe(label), LabelFix(task));
        var itemType = label.IsKey ? new KeyDataViewType(label.ItemType.RawType, 2) : label.ItemType;
        CheckLabel(itemType, label.Name, task, component);
        if (options.ExampleWeightColumnName is { } weightName)
        {
            var weight = ColumnChecks.Find(shape, component, "example weight", weightName);
            if (weight.Kind != SchemaShape.Column.VectorKind.Scalar || weight.IsKey || weight.ItemType != NumberDataViewType.Single)
                throw ColumnChecks.Mismatch(component, "example weight", weightName, "Single", ColumnChecks.Describe(weight), "Convert it with ml.Transforms.Conversion.ConvertType(..., DataKind.Single).");
        }
        if (options.AdversarialDebiasing is { } adversarial)
            SensitiveGroupColumn.Check(shape, adversarial.SensitiveColumnName, component);
    }

    private static void CheckLabel(DataViewType type, string name, PredictionKind task, string component)
    {
        var ok = task switch
        {
            PredictionKind.BinaryClassification => type == BooleanDataViewType.Instance || type == NumberDataViewType.Single,
            PredictionKind.MulticlassClassification => type is KeyDataViewType,
            _ => type == NumberDataViewType.Single,
        };
        if (!ok)
            throw ColumnChecks.Mismatch(component, "label", name, ExpectedLabel(task), ColumnChecks.Describe(type), LabelFix(task));
    }

    private static string ExpectedLabel(PredictionKind task) => task switch
    {
        PredictionKind.BinaryClassification => "Boolean (or Single holding 0 and 1)",
        PredictionKind.MulticlassClassification => "a key type",
        _ => "Single",
    };

    private static string LabelFix(PredictionKind task) => task switch
    {
        PredictionKind.BinaryClassification => "Map the label to Boolean (for example with ml.Transforms.CustomMapping or ml.Transforms.Expression).",
        PredictionKind.MulticlassClassification => "Convert the label to a key with ml.Transforms.Conversion.MapValueToKey(\"Label\").",
        _ => "Convert the label with ml.Transforms.Conversion.ConvertType(\"Label\", outputKind: DataKind.Single).",
    };

    private static IReadOnlyList<string> KeyNames(DataViewSchema.Column label, int count)
    {
        var annotation = label.Annotations.Schema.GetColumnOrNull("KeyValues");
        if (annotation is not { Type: VectorDataViewType { ItemType: var itemType } })
            return Enumerable.Range(0, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var method = typeof(TrainingSchema).GetMethod(nameof(ReadKeyValues), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(itemType.RawType);
        return (IReadOnlyList<string>)method.Invoke(null, [label, count])!;
    }

    private static IReadOnlyList<string> ReadKeyValues<T>(DataViewSchema.Column label, int count)
    {
        var values = default(VBuffer<T>);
        label.Annotations.GetValue("KeyValues", ref values);
        var dense = values.DenseValues().Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToArray();
        return dense.Length == count ? dense : Enumerable.Range(0, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    private static IReadOnlyList<string> SlotNames(DataViewSchema.Column features, int count)
    {
        if (features.Annotations.Schema.GetColumnOrNull("SlotNames") is not { Type: VectorDataViewType { ItemType: TextDataViewType, Size: var size } } || size != count)
            return [];
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        features.Annotations.GetValue("SlotNames", ref names);
        return names.DenseValues().Select(n => n.ToString()).ToArray();
    }
}
