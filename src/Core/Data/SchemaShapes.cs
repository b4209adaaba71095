using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML;

/// <summary>
/// Builds <see cref="SchemaShape.Column"/> values, which estimators must return from
/// <see cref="IEstimator{TTransformer}.GetOutputSchema"/>.
/// </summary>
/// <remarks>
/// ML.NET 5 keeps <see cref="SchemaShape.Column"/>'s only constructor internal (dotnet/machinelearning
/// #3243: "not something we decided to support for v1"). The public alternative, probing a
/// <c>CustomMappingEstimator</c>, cannot describe key columns with a runtime key count or annotations.
/// DeepML therefore calls that one constructor through reflection, in this file only, and fails
/// with a clear message (covered by a test) if a future ML.NET changes it.
/// </remarks>
internal static class SchemaShapes
{
    private static readonly ConstructorInfo ColumnConstructor = FindConstructor();

    /// <summary>A column shape from a full <see cref="DataViewType"/>.</summary>
    public static SchemaShape.Column Column(string name, DataViewType type, params string[] annotationNames)
    {
        var (kind, itemType) = type switch
        {
            VectorDataViewType v => (v.IsKnownSize ? SchemaShape.Column.VectorKind.Vector : SchemaShape.Column.VectorKind.VariableVector, v.ItemType),
            _ => (SchemaShape.Column.VectorKind.Scalar, type),
        };
        var annotations = annotationNames.Length == 0
            ? null
            : new SchemaShape(annotationNames.Select(a => Create(a, SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance, false, null)));
        // ML.NET describes a key column by its raw number type plus isKey (SchemaShape.Create does the same);
        // passing the KeyDataViewType itself throws "Item type cannot be a key".
        return itemType is KeyDataViewType key
            ? Create(name, kind, RawKeyType(key), true, annotations)
            : Create(name, kind, itemType, false, annotations);
    }

    /// <summary>The shape of every column of <paramref name="schema"/>, as ML.NET's own estimators describe them.</summary>
    public static SchemaShape FromSchema(DataViewSchema schema) =>
        new(schema.Where(c => !c.IsHidden).Select(c => Column(c.Name, c.Type, c.Annotations.Schema.Select(a => a.Name).ToArray())));

    /// <summary>Replaces or appends <paramref name="added"/> columns to <paramref name="input"/>.</summary>
    public static SchemaShape With(SchemaShape input, IEnumerable<SchemaShape.Column> added)
    {
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

    private static DataViewType RawKeyType(KeyDataViewType key) => key.RawType switch
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
