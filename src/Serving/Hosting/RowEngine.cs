using System.Collections.Concurrent;
using Microsoft.ML;

namespace DeepML.Serving;

/// <summary>
/// A reusable one-row scorer over a model's row-to-row mapper (what a <c>PredictionEngine</c> is, for a
/// schema known only at run time): set the input row, read the output getters. Used by one thread at a
/// time, from a <see cref="RowEnginePool"/>.
/// </summary>
internal sealed class RowEngine : IDisposable
{
    private readonly InputRow _input;
    private readonly DataViewRow _output;
    private readonly Func<object?>[] _getters;

    public RowEngine(ITransformer model, RequestSchema request, OutputColumns outputs)
    {
        _input = new InputRow(request);
        var mapper = model.GetRowToRowMapper(request.Schema);
        _output = mapper.GetRow(_input, outputs.Names.Select(n => mapper.OutputSchema[n]));
        _getters = outputs.Getters(_output);
    }

    public object?[] Score(object[] values)
    {
        _input.Set(values);
        var result = new object?[_getters.Length];
        for (var i = 0; i < _getters.Length; i++)
            result[i] = _getters[i]();
        return result;
    }

    public void Dispose() => _output.Dispose();
}

/// <summary>Engines of one model version, handed out one per thread at a time; all are disposed with the version.</summary>
internal sealed class RowEnginePool(ITransformer model, RequestSchema request, OutputColumns outputs) : IDisposable
{
    private readonly ConcurrentBag<RowEngine> _idle = [];

    public object?[][] Score(IReadOnlyList<object[]> rows)
    {
        var engine = _idle.TryTake(out var idle) ? idle : new RowEngine(model, request, outputs);
        try
        {
            var scored = new object?[rows.Count][];
            for (var i = 0; i < rows.Count; i++)
                scored[i] = engine.Score(rows[i]);
            _idle.Add(engine);
            return scored;
        }
        catch
        {
            engine.Dispose(); // its state is unknown after a failure
            throw;
        }
    }

    /// <summary>Disposes the idle engines; call when no engine is in use (the version's last lease has ended).</summary>
    public void Dispose()
    {
        while (_idle.TryTake(out var engine))
            engine.Dispose();
    }
}
