using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace DeepML;

/// <summary>
/// One model input or output bound to a column: the ONNX tensor <c>[N, d1, ..., dk]</c> (N the batch
/// dimension), its element type and the ML.NET item type it maps to, as ML.NET's <c>ApplyOnnxModel</c>
/// maps them (Float → Single, Double → Double, Int32 → Int32, Int64 → Int64, Bool → Boolean).
/// </summary>
/// <param name="ColumnName">The column fed from or written to.</param>
/// <param name="OnnxName">The graph input or output name.</param>
/// <param name="Element">The ONNX element type.</param>
/// <param name="ItemType">The ML.NET item type of the column.</param>
/// <param name="Shape">The tensor shape with the batch dimension as 1.</param>
/// <param name="Size">Values per row: d1·…·dk (1 for a <c>[N]</c> tensor).</param>
/// <param name="Description">The tensor as the model declares it, for messages: for example <c>Float [N, 3]</c>.</param>
internal sealed record OnnxTensorSpec(string ColumnName, string OnnxName, TensorElementType Element, PrimitiveDataViewType ItemType, long[] Shape, int Size, string Description)
{
    /// <summary>The column type of an output: a known-size vector with dimensions <c>[1, d1, ..., dk]</c>, as <c>ApplyOnnxModel</c> types it.</summary>
    public VectorDataViewType OutputType => new(ItemType, Shape.Select(d => (int)d).ToArray());

    /// <summary>True when the model fixes the batch dimension to 1 (then every run holds one row).</summary>
    public bool FixedBatchOfOne { get; init; }

    /// <summary>Checks a model input or output and binds it to <paramref name="column"/>; every problem throws with the fix.</summary>
    public static OnnxTensorSpec Create(string component, string role, string column, string onnxName, IReadOnlyDictionary<string, NodeMetadata> all)
    {
        if (!all.TryGetValue(onnxName, out var meta))
            throw new ArgumentException($"{component}: the model has no {role} '{onnxName}' (for column '{column}'). The model's {role}s: {Describe(all)}. " +
                $"Name one of them in OnnxScoringOptions.Onnx{Capital(role)}Names, or name the column after it.", $"Onnx{Capital(role)}Names");
        var description = Describe(meta);
        var fix = $"The model's {role}s: {Describe(all)}.";
        if (meta.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR)
            throw new InvalidOperationException($"{component}: model {role} '{onnxName}' (column '{column}') is a {description}; expected a tensor. Sequences, maps and optional values are not supported; use a model whose {role}s are tensors. {fix}");
        var item = ItemTypeOf(meta.ElementDataType) ?? throw new InvalidOperationException(
            $"{component}: model {role} '{onnxName}' (column '{column}') is {description}; expected an element type of Float, Double, Int32, Int64 or Bool. Cast the tensor to one of these in the model. {fix}");
        var dims = meta.Dimensions;
        if (dims.Length == 0)
            throw new InvalidOperationException($"{component}: model {role} '{onnxName}' (column '{column}') is a scalar {description}; expected a tensor [N, ...] whose first dimension is the batch. Re-export the model with a batch dimension. {fix}");
        if (dims[0] > 1)
            throw new InvalidOperationException($"{component}: model {role} '{onnxName}' (column '{column}') is {description}, with a fixed batch dimension of {dims[0]}; expected a symbolic batch dimension (N or -1) or 1. " +
                $"Rows are scored in batches along the first dimension, so a model that always takes exactly {dims[0]} rows cannot score a data view of any length. Re-export it with a dynamic batch axis (for example dynamic_axes in torch.onnx.export).");
        if (dims.Skip(1).Any(d => d <= 0))
            throw new InvalidOperationException($"{component}: model {role} '{onnxName}' (column '{column}') is {description}; expected fixed sizes after the batch dimension. " +
                $"A column holds a known-size vector, so only the batch dimension may be symbolic. Re-export the model with fixed sizes (or fix them with onnxruntime's make_dynamic_shape_fixed tool).");
        var size = dims.Skip(1).Aggregate(1L, (a, d) => a * d);
        if (size > int.MaxValue / 2)
            throw new InvalidOperationException($"{component}: model {role} '{onnxName}' holds {size} values per row; at most {int.MaxValue / 2} are supported.");
        var shape = dims.Select((d, i) => i == 0 ? 1L : d).ToArray();
        return new OnnxTensorSpec(column, onnxName, meta.ElementDataType, item, shape, (int)size, description) { FixedBatchOfOne = dims[0] == 1 };
    }

    /// <summary>Checks that <paramref name="column"/> can feed this input: a known-size vector of the item type and size, or a scalar when the size is 1.</summary>
    public void RequireInputColumn(string component, DataViewSchema.Column column)
    {
        var itemName = ColumnChecks.Describe(ItemType);
        var expected = $"known-size vector of {itemName}" + (Size == 1 ? $" (or a {itemName} scalar)" : "");
        var feeds = $"The column feeds ONNX input '{OnnxName}' ({Description}).";
        if (column.Type is VectorDataViewType vector)
        {
            if (vector.ItemType != ItemType)
                throw ColumnChecks.Mismatch(component, "input", column.Name, expected, ColumnChecks.Describe(column.Type), $"{feeds} Convert the column with ml.Transforms.Conversion.ConvertType.");
            if (!vector.IsKnownSize)
                throw ColumnChecks.Mismatch(component, "input", column.Name, expected, ColumnChecks.Describe(column.Type), $"{feeds} Its size must be known when the pipeline is built; use a fixed-size featurizer.");
            if (vector.Size != Size)
                throw ColumnChecks.Mismatch(component, "input", column.Name, $"vector of {itemName} of size {Size} (the size the model was trained on)", ColumnChecks.Describe(column.Type),
                    $"{feeds} Give {Size} values per row, row-major, built with the same pipeline that was used for training.");
            return;
        }
        if (column.Type != ItemType || Size != 1)
            throw ColumnChecks.Mismatch(component, "input", column.Name, expected, ColumnChecks.Describe(column.Type),
                $"{feeds} Concatenate the values into one vector (ml.Transforms.Concatenate) and convert them with ml.Transforms.Conversion.ConvertType.");
    }

    /// <summary>The same check on a schema shape, where vector sizes are not visible.</summary>
    public void RequireInputColumn(string component, SchemaShape.Column column)
    {
        var itemName = ColumnChecks.Describe(ItemType);
        var scalarOk = Size == 1 && column.Kind == SchemaShape.Column.VectorKind.Scalar;
        if (column.IsKey || column.ItemType != ItemType || !(column.Kind == SchemaShape.Column.VectorKind.Vector || scalarOk))
            throw ColumnChecks.Mismatch(component, "input", column.Name, $"known-size vector of {itemName}" + (Size == 1 ? $" (or a {itemName} scalar)" : ""), ColumnChecks.Describe(column),
                $"The column feeds ONNX input '{OnnxName}' ({Description}). Concatenate the values into one vector and convert them with ml.Transforms.Conversion.ConvertType.");
    }

    /// <summary>The ML.NET item type of an ONNX element type, or null when it is not supported.</summary>
    public static PrimitiveDataViewType? ItemTypeOf(TensorElementType element) => element switch
    {
        TensorElementType.Float => NumberDataViewType.Single,
        TensorElementType.Double => NumberDataViewType.Double,
        TensorElementType.Int32 => NumberDataViewType.Int32,
        TensorElementType.Int64 => NumberDataViewType.Int64,
        TensorElementType.Bool => BooleanDataViewType.Instance,
        _ => null,
    };

    /// <summary>A readable description of a model input or output, for example <c>Float [N, 3]</c>.</summary>
    public static string Describe(NodeMetadata m) => m.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR
        ? m.OnnxValueType.ToString()
        : $"{m.ElementDataType} [{string.Join(", ", m.Dimensions.Select((d, i) => d > 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : m.SymbolicDimensions.ElementAtOrDefault(i) is { Length: > 0 } s ? s : "?"))}]";

    /// <summary>All inputs or outputs of a model, for messages.</summary>
    public static string Describe(IReadOnlyDictionary<string, NodeMetadata> all) =>
        string.Join(", ", all.Select(kv => $"'{kv.Key}' {Describe(kv.Value)}"));

    private static string Capital(string role) => char.ToUpperInvariant(role[0]) + role[1..];
}
