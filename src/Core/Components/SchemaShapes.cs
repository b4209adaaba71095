using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML;

/// <summary>
/// Builds <see cref="SchemaShape"/> values, which estimators must return from
/// <see cref="IEstimator{TTransformer}.GetOutputSchema"/>: a column shape from a full column type,
/// the shape of a whole schema, and an input shape with columns added or replaced.
/// </summary>
/// <remarks>
/// ML.NET 5 keeps <see cref="SchemaShape.Column"/>'s only constructor internal (dotnet/machinelearning
/// #3243: "not something we decided to support for v1"). The public alternative, probing a
/// <c>CustomMappingEstimator</c>, cannot describe key columns with a runtime key count or annotations.
/// DeepML therefore calls that one constructor through reflection, in this file only, and fails
/// with a clear message (covered by a test) if a future ML.NET changes it.
/// <para>A typical <c>GetOutputSchema</c> of an estimator that adds a Single <c>Score</c> column:</para>
/// <code>
/// public SchemaShape GetOutputSchema(SchemaShape inputSchema)
/// {
///     var features = ColumnChecks.Find(inputSchema, "MyTrainer", "feature", "Features");
///     ColumnChecks.RequireFloatVector(features, "MyTrainer", "feature");
///     return SchemaShapes.With(inputSchema, ("Score", NumberDataViewType.Single));
/// }
/// </code>
/// </remarks>
public static class SchemaShapes
{
    private static readonly ConstructorInfo ColumnConstructor = FindConstructor();

    /// <summary>
    /// A column shape from a full <see cref="DataViewType"/> and the column's annotations, described the
    /// way ML.NET's own <c>SchemaShape.Create</c> does: a key column has its raw primitive type as item
    /// type and <c>IsKey</c> set (ML.NET rejects a key type as item type), and each annotation keeps its
    /// real kind (a scalar <c>ScoreColumnKind</c>, a vector <c>SlotNames</c>), so that
    /// <c>IsCompatibleWith</c> holds between an estimator's promise and the fitted schema.
    /// </summary>
    /// <param name="name">The column's name.</param>
    /// <param name="type">The column's full type (a key type with its count, a vector type with its size).</param>
    /// <param name="annotations">The column's annotations (for example <c>SlotNames</c>), or null for none.</param>
    public static SchemaShape.Column Column(string name, DataViewType type, DataViewSchema? annotations = null)
    {
        var annotationShape = annotations is null || annotations.Count == 0
            ? null
            : new SchemaShape(annotations.Select(a => Column(a.Name, a.Type)));
        var (kind, itemType) = type switch
        {
            VectorDataViewType v => (v.IsKnownSize ? SchemaShape.Column.VectorKind.Vector : SchemaShape.Column.VectorKind.VariableVector, v.ItemType),
            _ => (SchemaShape.Column.VectorKind.Scalar, type),
        };
        return itemType is KeyDataViewType key
            ? Create(name, kind, KeyItemType(key), true, annotationShape)
            : Create(name, kind, itemType, false, annotationShape);
    }

    /// <summary>The shape of every visible column of <paramref name="schema"/>, as ML.NET's own estimators describe them.</summary>
    /// <param name="schema">A data view's schema.</param>
    public static SchemaShape FromSchema(DataViewSchema schema) =>
        new(schema.Where(c => !c.IsHidden).Select(c => Column(c.Name, c.Type, c.Annotations.Schema)));

    /// <summary>Replaces or appends <paramref name="added"/> columns to <paramref name="input"/>.</summary>
    /// <param name="input">The estimator's input shape.</param>
    /// <param name="added">Columns the estimator adds; one with an existing name replaces it in place.</param>
    public static SchemaShape With(SchemaShape input, IEnumerable<SchemaShape.Column> added)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(added);
        var byName = input.ToDictionary(c => c.Name);
        var order = input.Select(c => c.Name).ToList();
        foreach (var column in added)
        {
            if (!byName.ContainsKey(column.Name))
                order.Add(column.Name);
            byName[column.Name] = column;
        }
        return new SchemaShape(order.Select(n => byName[n]));
    }

    /// <summary>Replaces or appends columns without annotations, given by name and full type.</summary>
    /// <param name="input">The estimator's input shape.</param>
    /// <param name="added">Columns the estimator adds, for example <c>("Score", NumberDataViewType.Single)</c>.</param>
    public static SchemaShape With(SchemaShape input, params (string Name, DataViewType Type)[] added) =>
        With(input, added.Select(c => Column(c.Name, c.Type)));

    private static DataViewType KeyItemType(KeyDataViewType key) => key.RawType switch
    {
        var t when t == typeof(byte) => NumberDataViewType.Byte,
        var t when t == typeof(ushort) => NumberDataViewType.UInt16,
        var t when t == typeof(ulong) => NumberDataViewType.UInt64,
        _ => NumberDataViewType.UInt32,
    };

    private static SchemaShape.Column Create(string name, SchemaShape.Column.VectorKind kind, DataViewType itemType, bool isKey, SchemaShape? annotations) =>
        (SchemaShape.Column)ColumnConstructor.Invoke([name, kind, itemType, isKey, annotations]);

    private static ConstructorInfo FindConstructor()
    {
        var ctor = typeof(SchemaShape.Column)
            .GetConstructors(BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Public)
            .FirstOrDefault(c => c.GetParameters().Select(p => p.ParameterType).SequenceEqual(
                [typeof(string), typeof(SchemaShape.Column.VectorKind), typeof(DataViewType), typeof(bool), typeof(SchemaShape)]));
        return ctor ?? throw new MissingMethodException(
            "DeepML: this version of Microsoft.ML has no SchemaShape.Column(string, VectorKind, DataViewType, bool, SchemaShape) constructor. " +
            "DeepML supports Microsoft.ML 5.0.x; reference that version or a DeepML release built for yours.");
    }
}
