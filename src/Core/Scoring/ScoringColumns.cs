using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML;

/// <summary>
/// Where the prediction columns go in the output schema, with ML.NET's own rule (its
/// <c>ColumnBindings</c>, used by every built-in scorer): a new name is appended; a name the input
/// already has is inserted right after the last column of that name, which becomes hidden. Saved and
/// reloaded models (plain ML.NET) therefore have exactly the same column order.
/// </summary>
internal sealed class ScoringColumns
{
    // Output index → input index (≥ 0) or ~added index (< 0).
    private readonly int[] _map;

    public ScoringColumns(DataViewSchema input, IReadOnlyList<(string Name, DataViewType Type, DataViewSchema.Annotations Annotations)> added)
    {
        var indices = Enumerable.Range(0, input.Count).ToList();
        var names = new HashSet<string>(input.Select(c => c.Name));
        for (var i = 0; i < added.Count; i++)
        {
            if (names.Add(added[i].Name))
            {
                indices.Add(~i);
                continue;
            }
            for (var j = indices.Count - 1; j >= 0; j--)
            {
                var name = indices[j] >= 0 ? input[indices[j]].Name : added[~indices[j]].Name;
                if (name == added[i].Name)
                {
                    indices.Insert(j + 1, ~i);
                    break;
                }
            }
        }
        _map = [.. indices];
        var builder = new DataViewSchema.Builder();
        foreach (var index in _map)
        {
            if (index >= 0)
                builder.AddColumn(input[index].Name, input[index].Type, input[index].Annotations);
            else
                builder.AddColumn(added[~index].Name, added[~index].Type, added[~index].Annotations);
        }
        Schema = builder.ToSchema();
        InputCount = input.Count;
    }

    /// <summary>The output schema.</summary>
    public DataViewSchema Schema { get; }

    /// <summary>Columns of the input schema.</summary>
    public int InputCount { get; }

    /// <summary>The input column an output column passes through, or -1 for a prediction column.</summary>
    public int InputIndex(int outputIndex) => _map[outputIndex] >= 0 ? _map[outputIndex] : -1;

    /// <summary>The prediction column (in the order the transformer adds them) of an output column, or -1 for a pass-through one.</summary>
    public int AddedIndex(int outputIndex) => _map[outputIndex] < 0 ? ~_map[outputIndex] : -1;

    /// <summary>
    /// One getter per active added column, from <paramref name="batch"/> at the row <paramref name="slot"/>
    /// gives; inactive columns stay null. Indexed like <see cref="Getter{TValue}"/>'s output getters.
    /// </summary>
    public Delegate?[] OutputGetters(bool[] active, IScoringBatch? batch, Func<int> slot)
    {
        var getters = new Delegate?[active.Length - InputCount];
        for (var i = 0; batch is not null && i < active.Length; i++)
        {
            if (active[i] && AddedIndex(i) is var added and >= 0)
                getters[added] = batch.Getter(added, slot);
        }
        return getters;
    }

    /// <summary>
    /// The getter of output column <paramref name="column"/>: the input row's own getter for a
    /// pass-through column, else the prediction getter built for it.
    /// </summary>
    public ValueGetter<TValue> Getter<TValue>(DataViewSchema.Column column, DataViewRow input, DataViewSchema inputSchema, Delegate?[] outputGetters) =>
        InputIndex(column.Index) is var inputIndex and >= 0
            ? input.GetGetter<TValue>(inputSchema[inputIndex])
            : RawOutputGetters.As<TValue>(outputGetters[AddedIndex(column.Index)]!, column);
}
