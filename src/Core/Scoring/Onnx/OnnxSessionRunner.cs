using Microsoft.ML.OnnxRuntime;

namespace DeepML;

/// <summary>
/// The ONNX Runtime session of an <see cref="OnnxScoringTransformer"/>, with the input and output
/// names it runs in a fixed order. Runs may overlap (ONNX Runtime sessions support concurrent
/// <c>Run</c> calls); each caller passes its own <see cref="OrtValue"/>s.
/// </summary>
/// <remarks>Owns the session and run options and releases them on <see cref="Dispose"/>, which must
/// not race with <see cref="Run"/>; a failed constructor releases what it opened.</remarks>
internal sealed class OnnxSessionRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private string[] _inputNames = [];
    private string[] _outputNames = [];
    private volatile bool _disposed;

    public OnnxSessionRunner(byte[] model, ScoringOptions options, Action<string>? log = null)
    {
        (_session, var provider) = OrtSessionFactory.Create(so => new InferenceSession(model, so), options, log);
        try
        {
            _runOptions = new RunOptions();
            Description = OrtSessionFactory.Describe(provider, options);
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>Where the model runs, for example "ONNX Runtime 1.31.1, CPUExecutionProvider".</summary>
    public string Description { get; }

    /// <summary>The model's inputs.</summary>
    public IReadOnlyDictionary<string, NodeMetadata> InputMetadata => _session.InputMetadata;

    /// <summary>The model's outputs.</summary>
    public IReadOnlyDictionary<string, NodeMetadata> OutputMetadata => _session.OutputMetadata;

    /// <summary>Fixes which inputs are fed and which outputs are read, in the order <see cref="Run"/> takes their values.</summary>
    public void Bind(IEnumerable<string> inputNames, IEnumerable<string> outputNames)
    {
        _inputNames = [.. inputNames];
        _outputNames = [.. outputNames];
    }

    /// <summary>Runs the model once: <paramref name="inputs"/> and <paramref name="outputs"/> in the bound order; outputs are pre-allocated.</summary>
    public void Run(OrtValue[] inputs, OrtValue[] outputs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _session.Run(_runOptions, _inputNames, inputs, _outputNames, outputs);
    }

    /// <summary>Releases the session. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _runOptions.Dispose();
        _session.Dispose();
    }
}
