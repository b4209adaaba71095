using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Serving;

/// <summary>
/// The columns a prediction request sends, found from a loaded model: the input columns the
/// pipeline really reads (a column such as <c>Label</c> that is saved in the input schema but not
/// needed to score is left out, and ignored when a request sends it), in the saved order. Immutable.
/// </summary>
public sealed class RequestSchema
{
    private readonly Dictionary<string, int> _index;

    private RequestSchema(IReadOnlyList<InputColumn> columns, DataViewSchema schema, IReadOnlySet<string> ignored)
    {
        Columns = columns;
        Ignored = ignored;
        Schema = schema;
        _index = columns.Select((c, i) => (c.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
    }

    /// <summary>The columns every row must have, in order.</summary>
    public IReadOnlyList<InputColumn> Columns { get; }

    /// <summary>Columns of the saved input schema the model does not read (such as <c>Label</c>): a request may send them; they are ignored.</summary>
    public IReadOnlySet<string> Ignored { get; }

    /// <summary>The ML.NET schema of the rows built from a request (the columns above, with the saved annotations).</summary>
    public DataViewSchema Schema { get; }

    /// <summary>"Age (Single), Workclass (String), ...": the list an error message shows.</summary>
    public string Describe() => string.Join(", ", Columns.Select(c => $"{c.Name} ({c.TypeName})"));

    /// <summary>The position of a column in <see cref="Columns"/>, or -1.</summary>
    internal int IndexOf(string name) => _index.TryGetValue(name, out var i) ? i : -1;

    /// <summary>Whether another schema has the same columns, names and types, in the same order.</summary>
    public bool SameColumns(RequestSchema other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Columns.Count == other.Columns.Count
            && Columns.Zip(other.Columns).All(p => p.First.Name == p.Second.Name && p.First.Type.Equals(p.Second.Type));
    }

    /// <summary>Finds the columns <paramref name="model"/> needs from <paramref name="inputSchema"/>.</summary>
    /// <exception cref="InvalidDataException">A needed column has a type a JSON request cannot carry, or the model needs no column at all.</exception>
    public static RequestSchema For(ITransformer model, DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        var visible = inputSchema.Where(c => !c.IsHidden).ToList();
        var needed = visible.Where(c => !Scores(model, Build(visible.Where(o => o.Index != c.Index)))).ToList();
        var columns = new List<InputColumn>();
        foreach (var column in needed)
        {
            var (input, problem) = InputColumn.From(column);
            if (input is null)
                throw new InvalidDataException($"DeepML Serving: the model's input column {problem}. Serve a model whose inputs are scalars or known-size vectors of those types, or convert the column inside the pipeline.");
            columns.Add(input);
        }
        if (columns.Count == 0)
            throw new InvalidDataException($"DeepML Serving: the model scores without any of its input columns ({string.Join(", ", visible.Select(c => c.Name))}), so a request would have nothing to send. Save the model with the input schema of the data it was trained on.");
        var schema = Build(needed);
        if (!Scores(model, schema))
            throw new InvalidDataException("DeepML Serving: the model cannot score rows of its own saved input schema. Save the model with the schema of the data it was fitted on (ml.Model.Save(model, trainData.Schema, path)).");
        var ignored = visible.Select(c => c.Name).Except(columns.Select(c => c.Name), StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        return new RequestSchema(columns, schema, ignored);
    }

    private static bool Scores(ITransformer model, DataViewSchema schema)
    {
        try
        {
            model.GetOutputSchema(schema);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return false;
        }
    }

    private static DataViewSchema Build(IEnumerable<DataViewSchema.Column> columns)
    {
        var builder = new DataViewSchema.Builder();
        foreach (var c in columns)
            builder.AddColumn(c.Name, c.Type, c.Annotations);
        return builder.ToSchema();
    }
}
