using Microsoft.ML.OnnxRuntime;

namespace DeepML;

/// <summary>
/// DeepML's one wrapper of an ONNX Runtime <see cref="InferenceSession"/>: opens it on the device the
/// <see cref="ScoringOptions"/> ask for (through <see cref="OrtSessionFactory"/>), and runs it with the
/// input and output names bound in a fixed order. <see cref="OrtBatchPredictor"/> (one float input,
/// one float output) and <see cref="OnnxScoringTransformer"/> (any tensor inputs and outputs) both
/// run their models through it. Runs may overlap (ONNX Runtime sessions support concurrent
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

    /// <summary>Opens an ONNX model held in memory.</summary>
    public OnnxSessionRunner(byte[] model, ScoringOptions options, Action<string>? log = null)
        : this(so => new InferenceSession(model, so), options, log)
    {
    }

    /// <summary>Opens the session <paramref name="create"/> makes from the session options of <paramref name="options"/>.</summary>
    public OnnxSessionRunner(Func<SessionOptions, InferenceSession> create, ScoringOptions options, Action<string>? log = null)
    {
        (_session, ExecutionProvider) = OrtSessionFactory.Create(create, options, log);
        try
        {
            _runOptions = new RunOptions();
            Description = OrtSessionFactory.Describe(ExecutionProvider, options);
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>Where the model runs, for example "ONNX Runtime 1.31.1, CPUExecutionProvider".</summary>
    public string Description { get; }

    /// <summary>The execution provider the session runs on: <c>CPUExecutionProvider</c> or <c>CUDAExecutionProvider</c>.</summary>
    public string ExecutionProvider { get; }

    /// <summary>The model's output names, in graph order.</summary>
    public IReadOnlyList<string> OutputNames => _session.OutputNames;

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
