using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Serving;

/// <summary>
/// ML.NET getters over request rows held as <c>object[]</c> (one boxed scalar or one array per column, typed by
/// <see cref="InputColumn"/>), shared by <see cref="RowDataView"/>'s cursor and <see cref="InputRow"/>.
/// </summary>
internal static class RowValueGetters
{
    /// <summary>A getter of column <paramref name="index"/> of the row <paramref name="current"/> returns when called; null when <typeparamref name="TValue"/> is not the column's type.</summary>
    public static ValueGetter<TValue>? Create<TValue>(InputColumn input, int index, Func<object[]> current)
    {
        Delegate getter = (input.Kind, input.VectorSize) switch
        {
            (InputKind.Single, 0) => Scalar<float>(index, current),
            (InputKind.Double, 0) => Scalar<double>(index, current),
            (InputKind.Int32, 0) => Scalar<int>(index, current),
            (InputKind.Int64, 0) => Scalar<long>(index, current),
            (InputKind.Boolean, 0) => Scalar<bool>(index, current),
            (InputKind.String, 0) => Scalar<ReadOnlyMemory<char>>(index, current),
            (InputKind.Single, _) => Vector<float>(index, current),
            (InputKind.Double, _) => Vector<double>(index, current),
            (InputKind.Int32, _) => Vector<int>(index, current),
            (InputKind.Int64, _) => Vector<long>(index, current),
            (InputKind.Boolean, _) => Vector<bool>(index, current),
            _ => Vector<ReadOnlyMemory<char>>(index, current),
        };
        return getter as ValueGetter<TValue>;
    }

    private static ValueGetter<T> Scalar<T>(int index, Func<object[]> current) => (ref T value) => value = (T)current()[index];

    private static ValueGetter<VBuffer<T>> Vector<T>(int index, Func<object[]> current) => (ref VBuffer<T> value) =>
    {
        var source = (T[])current()[index];
        var editor = VBufferEditor.Create(ref value, source.Length);
        source.AsSpan().CopyTo(editor.Values);
        value = editor.Commit();
    };
}
