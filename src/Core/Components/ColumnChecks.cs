using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML;

/// <summary>
/// Schema checks for DeepML-style components, and the one wording of DeepML's schema errors. Every
/// DeepML estimator and transformer (and any component an outside author builds the same way)
/// checks its columns with these methods at <c>GetOutputSchema</c>, <c>Fit</c> and <c>Transform</c>,
/// so a user sees the same three-part message from every component.
/// </summary>
/// <remarks>
/// <para>The two messages, word for word (tests assert them):</para>
/// <list type="bullet">
/// <item>missing column (<see cref="NotFoundMessage"/>):
/// <c>{component}: {role} column '{name}' was not found. Available columns: 'A', 'B'. Pass the right column name in the options or add the column to the pipeline.</c></item>
/// <item>wrong type (<see cref="MismatchMessage"/>):
/// <c>{component}: schema mismatch for {role} column '{name}': expected {expected}, got {actual}. {fix}</c></item>
/// </list>
/// <para>Both are thrown as <see cref="ArgumentOutOfRangeException"/> whose parameter name is the
/// column's name. <c>component</c> is the public type name the user wrote (for example
/// <c>BinaryNeuralNetworkTrainer</c>); <c>role</c> is the column's role in lower case
/// (<c>feature</c>, <c>label</c>, <c>example weight</c>, <c>sensitive</c>, ...); <c>expected</c> and
/// the fix are plain sentences ending without and with a full stop respectively. Actual types are
/// written by <see cref="Describe(DataViewType)"/> and <see cref="Describe(SchemaShape.Column)"/>.</para>
/// <para>A typical estimator checks the shape in <c>GetOutputSchema</c> and the real schema in
/// <c>Fit</c> and <c>Transform</c>:</para>
/// <code>
/// var features = ColumnChecks.Find(inputSchema, "MyTrainer", "feature", options.FeatureColumnName);
/// ColumnChecks.RequireFloatVector(features, "MyTrainer", "feature");
/// </code>
/// </remarks>
public static class ColumnChecks
{
    /// <summary>The fix sentence of every missing-column error.</summary>
    public const string NotFoundFix = "Pass the right column name in the options or add the column to the pipeline.";

    /// <summary>The fix sentence when a feature column is not a vector of Single.</summary>
    public const string FloatVectorFix = "Concatenate numeric columns into one vector first (ml.Transforms.Concatenate) and convert them to Single (ml.Transforms.Conversion.ConvertType).";

    /// <summary>The expected-type text of a feature column.</summary>
    public const string FloatVectorExpected = "known-size vector of Single";

    /// <summary>The visible column named <paramref name="name"/>, or the missing-column error listing the visible columns.</summary>
    /// <param name="schema">The schema to search (hidden columns are ignored).</param>
    /// <param name="component">The component's public name, first word of the message.</param>
    /// <param name="role">The column's role, for example <c>feature</c>.</param>
    /// <param name="name">The column name the user passed.</param>
    /// <exception cref="ArgumentOutOfRangeException">No visible column has that name.</exception>
    public static DataViewSchema.Column Find(DataViewSchema schema, string component, string role, string name)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var column = schema.GetColumnOrNull(name);
        if (column is { IsHidden: false } found)
            return found;
        throw new ArgumentOutOfRangeException(name, NotFoundMessage(component, role, name, schema.Where(c => !c.IsHidden).Select(c => c.Name)));
    }

    /// <summary>The shape column named <paramref name="name"/> (the last one, as in a schema), or the missing-column error.</summary>
    /// <param name="schema">The schema shape to search.</param>
    /// <param name="component">The component's public name, first word of the message.</param>
    /// <param name="role">The column's role, for example <c>feature</c>.</param>
    /// <param name="name">The column name the user passed.</param>
    /// <exception cref="ArgumentOutOfRangeException">No column has that name.</exception>
    public static SchemaShape.Column Find(SchemaShape schema, string component, string role, string name)
    {
        ArgumentNullException.ThrowIfNull(schema);
        SchemaShape.Column? found = null;
        foreach (var column in schema)
        {
            if (column.Name == name)
                found = column;
        }
        return found ?? throw new ArgumentOutOfRangeException(name, NotFoundMessage(component, role, name, schema.Select(c => c.Name)));
    }

    /// <summary>
    /// Finds a shape column and checks it with <paramref name="accepts"/>; throws the missing-column or the
    /// wrong-type error otherwise. Use the same <paramref name="expected"/> text as the check at <c>Fit</c>.
    /// </summary>
    /// <param name="schema">The schema shape (pipeline construction time).</param>
    /// <param name="component">The component's public name.</param>
    /// <param name="role">The column's role.</param>
    /// <param name="name">The column name the user passed.</param>
    /// <param name="accepts">True when the shape is acceptable, for example <c>c =&gt; ColumnChecks.IsScalarOf(c, NumberDataViewType.Single)</c>.</param>
    /// <param name="expected">What the column must be, for example <c>Single</c>.</param>
    /// <param name="fix">How to fix a wrong column (a sentence).</param>
    public static SchemaShape.Column Require(SchemaShape schema, string component, string role, string name,
        Func<SchemaShape.Column, bool> accepts, string expected, string fix)
    {
        ArgumentNullException.ThrowIfNull(accepts);
        var column = Find(schema, component, role, name);
        return accepts(column) ? column : throw Mismatch(component, role, column, expected, fix);
    }

    /// <summary>The wrong-type error (not thrown: the caller throws it).</summary>
    /// <param name="component">The component's public name.</param>
    /// <param name="role">The column's role.</param>
    /// <param name="name">The column's name.</param>
    /// <param name="expected">What the column must be.</param>
    /// <param name="actual">What it is, written by <see cref="Describe(DataViewType)"/> or <see cref="Describe(SchemaShape.Column)"/>.</param>
    /// <param name="fix">How to fix it (a sentence).</param>
    public static ArgumentOutOfRangeException Mismatch(string component, string role, string name, string expected, string actual, string fix) =>
        new(name, MismatchMessage(component, role, name, expected, actual, fix));

    /// <summary>The wrong-type error for a schema column; its actual type is written by <see cref="Describe(DataViewType)"/>.</summary>
    /// <param name="component">The component's public name.</param>
    /// <param name="role">The column's role.</param>
    /// <param name="column">The offending column.</param>
    /// <param name="expected">What the column must be.</param>
    /// <param name="fix">How to fix it (a sentence).</param>
    public static ArgumentOutOfRangeException Mismatch(string component, string role, DataViewSchema.Column column, string expected, string fix) =>
        Mismatch(component, role, column.Name, expected, Describe(column.Type), fix);

    /// <summary>The wrong-type error for a shape column; its actual type is written by <see cref="Describe(SchemaShape.Column)"/>.</summary>
    /// <param name="component">The component's public name.</param>
    /// <param name="role">The column's role.</param>
    /// <param name="column">The offending shape column.</param>
    /// <param name="expected">What the column must be.</param>
    /// <param name="fix">How to fix it (a sentence).</param>
    public static ArgumentOutOfRangeException Mismatch(string component, string role, SchemaShape.Column column, string expected, string fix) =>
        Mismatch(component, role, column.Name, expected, Describe(column), fix);

    /// <summary>Requires a known-size vector of Single (optionally of a given size); returns its size.</summary>
    /// <param name="column">The column to check.</param>
    /// <param name="component">The component's public name.</param>
    /// <param name="role">The column's role.</param>
    /// <param name="expectedSize">The size the model was trained on; 0 for any size.</param>
    public static int RequireFloatVector(DataViewSchema.Column column, string component, string role, int expectedSize = 0)
    {
        if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType n } vector || n != NumberDataViewType.Single)
            throw Mismatch(component, role, column, FloatVectorExpected, FloatVectorFix);
        if (!vector.IsKnownSize)
            throw Mismatch(component, role, column, FloatVectorExpected,
                "The vector's size must be known when the pipeline is built; a variable-size vector (e.g. from tokenizing) cannot feed a network. Use a fixed-size featurizer.");
        if (expectedSize > 0 && vector.Size != expectedSize)
            throw Mismatch(component, role, column, $"vector of Single of size {expectedSize} (the size the model was trained on)",
                "Build the features with the same pipeline that was used for training.");
        return vector.Size;
    }

    /// <summary>Requires a known-size vector of Single in a schema shape (sizes are not visible in shapes).</summary>
    /// <param name="column">The shape column to check.</param>
    /// <param name="component">The component's public name.</param>
    /// <param name="role">The column's role.</param>
    public static void RequireFloatVector(SchemaShape.Column column, string component, string role)
    {
        if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.IsKey || column.ItemType != NumberDataViewType.Single)
            throw Mismatch(component, role, column, FloatVectorExpected, FloatVectorFix);
    }

    /// <summary>True for a non-key scalar shape whose item type is one of <paramref name="types"/>.</summary>
    /// <param name="column">The shape column.</param>
    /// <param name="types">The accepted item types.</param>
    public static bool IsScalarOf(SchemaShape.Column column, params DataViewType[] types) =>
        column.Kind == SchemaShape.Column.VectorKind.Scalar && !column.IsKey && types.Contains(column.ItemType);

    /// <summary>A readable name of a column type: <c>Single</c>, <c>String</c>, <c>Vector&lt;Single, 14&gt;</c>, <c>Key&lt;UInt32, 3&gt;</c>.</summary>
    /// <param name="type">The column type.</param>
    public static string Describe(DataViewType type) => type switch
    {
        VectorDataViewType { IsKnownSize: true } v => $"Vector<{Describe(v.ItemType)}, {v.Size}>",
        VectorDataViewType v => $"Vector<{Describe(v.ItemType)}> of unknown size",
        KeyDataViewType k => $"Key<{k.RawType.Name}, {k.Count}>",
        _ => type.RawType == typeof(ReadOnlyMemory<char>) ? "String" : type.ToString() ?? type.GetType().Name,
    };

    /// <summary>A readable description of a column shape (a shape knows no vector size or key count): <c>Vector&lt;Single&gt;</c>, <c>Key&lt;UInt32&gt;</c>.</summary>
    /// <param name="column">The shape column.</param>
    public static string Describe(SchemaShape.Column column)
    {
        var item = column.IsKey ? $"Key<{column.ItemType.RawType.Name}>" : Describe(column.ItemType);
        return column.Kind switch
        {
            SchemaShape.Column.VectorKind.Vector => $"Vector<{item}>",
            SchemaShape.Column.VectorKind.VariableVector => $"Vector<{item}> of unknown size",
            _ => item,
        };
    }

    /// <summary>The missing-column message: what is missing, the columns that exist, and <see cref="NotFoundFix"/>.</summary>
    /// <param name="component">The component's public name.</param>
    /// <param name="role">The column's role.</param>
    /// <param name="name">The missing column's name.</param>
    /// <param name="available">The names of the columns that exist (duplicates are listed once).</param>
    public static string NotFoundMessage(string component, string role, string name, IEnumerable<string> available)
    {
        var list = available.Distinct().ToArray();
        var names = list.Length == 0 ? "(none)" : string.Join(", ", list.Select(n => $"'{n}'"));
        return $"{component}: {role} column '{name}' was not found. Available columns: {names}. {NotFoundFix}";
    }

    /// <summary>The wrong-type message: <c>{component}: schema mismatch for {role} column '{name}': expected {expected}, got {actual}. {fix}</c>.</summary>
    /// <param name="component">The component's public name.</param>
    /// <param name="role">The column's role.</param>
    /// <param name="name">The column's name.</param>
    /// <param name="expected">What the column must be.</param>
    /// <param name="actual">What it is.</param>
    /// <param name="fix">How to fix it (a sentence).</param>
    public static string MismatchMessage(string component, string role, string name, string expected, string actual, string fix) =>
        $"{component}: schema mismatch for {role} column '{name}': expected {expected}, got {actual}. {fix}";
}
