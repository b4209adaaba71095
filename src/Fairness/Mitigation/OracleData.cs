using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Fairness;

/// <summary>
/// What the ExponentiatedGradient estimators (classification and regression) share around their
/// cost-sensitive oracle: the feature check, the features read once into rows the oracle rewrites
/// (label and weight) before each fit, and the in-memory view over those rows.
/// </summary>
internal static class OracleData
{
    /// <summary>The oracle's label and weight columns (beside the user's feature column).</summary>
    public const string Label = "__deepml_eg_label", Weight = "__deepml_eg_weight";

    private const string FeatureExpected = "a known-size vector of Single", FeatureFix = "Concatenate numeric columns into one vector with ml.Transforms.Concatenate.";

    /// <summary>The feature column, which must be a known-size vector of Single.</summary>
    public static (DataViewSchema.Column Column, VectorDataViewType Type) CheckFeatures(DataViewSchema schema, string component, string name)
    {
        var column = ColumnChecks.Find(schema, component, "feature", name);
        if (column.Type is not VectorDataViewType { IsKnownSize: true } vt || vt.ItemType != NumberDataViewType.Single)
            throw ColumnChecks.Mismatch(component, "feature", column, FeatureExpected, FeatureFix);
        return (column, vt);
    }

    /// <summary>The same check on a schema shape (GetOutputSchema).</summary>
    public static void CheckFeatures(SchemaShape shape, string component, string name) =>
        ColumnChecks.Require(shape, component, "feature", name,
            c => c is { Kind: SchemaShape.Column.VectorKind.Vector, IsKey: false } && c.ItemType == NumberDataViewType.Single, FeatureExpected, FeatureFix);

    /// <summary>Every row's features, dense, in cursor order.</summary>
    public static float[][] ReadFeatures(IDataView input, DataViewSchema.Column column, int size, int rows)
    {
        var features = new float[rows][];
        using var cursor = input.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> buffer = default;
        var i = 0;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            features[i] = new float[size];
            buffer.CopyTo(features[i]);
            i++;
        }
        return features;
    }

    /// <summary>
    /// A view over <paramref name="rows"/> (a class with <c>Features</c>, <c>Label</c> and <c>Weight</c>
    /// properties) that names the columns for the trainer; it reads the rows lazily, so rewriting a
    /// row's label and weight before a fit changes what the trainer sees.
    /// </summary>
    public static IDataView View<TRow>(MLContext context, TRow[] rows, string featureColumn, int size) where TRow : class
    {
        var schema = SchemaDefinition.Create(typeof(TRow));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        schema["Features"].ColumnName = featureColumn;
        schema["Label"].ColumnName = Label;
        schema["Weight"].ColumnName = Weight;
        return context.Data.LoadFromEnumerable(rows, schema);
    }
}
