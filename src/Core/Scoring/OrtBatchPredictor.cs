using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace DeepML;

/// <summary>
/// An <see cref="IBatchPredictor"/> over an ONNX Runtime <see cref="InferenceSession"/>: the
/// caller's feature and output arrays are wrapped as tensors without copying, and each
/// <see cref="Predict"/> runs the model once per <see cref="ScoringOptions.BatchSize"/> rows.
/// </summary>
/// <remarks>
/// <para><b>Model contract</b>, checked when constructed (before any row is scored): exactly one
/// input, a float tensor <c>[N, InputSize]</c> with a symbolic batch dimension; the scored output
/// (the first graph output unless named) a float tensor <c>[N, OutputSize]</c>. Models written by
/// <see cref="OnnxExporter"/> satisfy it; their first output is the raw one (logits).</para>
/// <para><b>Device</b>: the CPU or CUDA, per <see cref="ScoringOptions.Device"/>
/// (see <see cref="OnnxRuntimeNative"/> for how a CUDA-enabled native library is found).</para>
/// <para><b>Threads</b>: <see cref="Predict"/> may be called from many threads at once (ONNX Runtime
/// sessions support concurrent runs). <see cref="Dispose()"/> must not race with <see cref="Predict"/>.</para>
/// <para><b>Ownership</b>: the predictor owns its session (an <see cref="OnnxSessionRunner"/>) and releases it on
/// <see cref="Dispose()"/>; it never keeps the caller's arrays beyond a call. It holds no native
/// handle itself (ONNX Runtime's own types do and have their own finalizers), so it has no finalizer.</para>
/// </remarks>
public sealed class OrtBatchPredictor : IBatchPredictor
{
    private readonly OnnxSessionRunner _runner;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly long[] _inputShape;   // [1, d1, ..., dk]; element 0 is replaced by the batch size per run
    private readonly long[] _outputShape;
    private readonly int _batchSize;
    private volatile bool _disposed;

    /// <summary>Opens an ONNX model held in memory.</summary>
    /// <param name="model">ONNX model bytes, for example from <see cref="OnnxExporter.Export"/>.</param>
    /// <param name="options">Device, threads, batch size; null for the defaults (CPU, 1024 rows).</param>
    /// <param name="outputName">The output to score; null for the graph's first output.</param>
    /// <param name="log">Receives lines about the native library, the device and any CPU fallback.</param>
    public OrtBatchPredictor(byte[] model, ScoringOptions? options = null, string? outputName = null, Action<string>? log = null)
        : this(so => new InferenceSession(model ?? throw new ArgumentNullException(nameof(model)), so), options, outputName, log)
    {
    }

    /// <summary>Opens an ONNX model file.</summary>
    /// <param name="modelPath">Path of the ONNX file.</param>
    /// <param name="options">Device, threads, batch size; null for the defaults (CPU, 1024 rows).</param>
    /// <param name="outputName">The output to score; null for the graph's first output.</param>
    /// <param name="log">Receives lines about the native library, the device and any CPU fallback.</param>
    public OrtBatchPredictor(string modelPath, ScoringOptions? options = null, string? outputName = null, Action<string>? log = null)
        : this(so => new InferenceSession(CheckPath(modelPath), so), options, outputName, log)
    {
    }

    private OrtBatchPredictor(Func<SessionOptions, InferenceSession> create, ScoringOptions? options, string? outputName, Action<string>? log)
    {
        Options = options ?? new ScoringOptions();
        _batchSize = Options.BatchSize;
        _runner = new OnnxSessionRunner(create, Options, log);
        try
        {
            (_inputNames, _inputShape, InputSize) = CheckInput(_runner);
            (_outputNames, _outputShape, OutputSize) = CheckOutput(_runner, outputName);
            _runner.Bind(_inputNames, _outputNames);
        }
        catch
        {
            _runner.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public int InputSize { get; }

    /// <inheritdoc />
    public int OutputSize { get; }

    /// <inheritdoc />
    public string Description => _runner.Description;

    /// <summary>The options this predictor was created with.</summary>
    public ScoringOptions Options { get; }

    /// <summary>The execution provider the session runs on: <c>CPUExecutionProvider</c> or <c>CUDAExecutionProvider</c>.</summary>
    public string ExecutionProvider => _runner.ExecutionProvider;

    /// <summary>The graph input fed.</summary>
    public string InputName => _inputNames[0];

    /// <summary>The graph output read.</summary>
    public string OutputName => _outputNames[0];

    /// <inheritdoc />
    public void Predict(float[] features, int rows, float[] outputs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(outputs);
        if (rows < 1)
            throw new ArgumentOutOfRangeException(nameof(rows), rows, "OrtBatchPredictor: rows must be at least 1.");
        if ((long)rows * InputSize > features.Length)
            throw new ArgumentException($"OrtBatchPredictor: {rows} rows need {(long)rows * InputSize} feature values ({InputSize} per row), but the array holds {features.Length}.", nameof(features));
        if ((long)rows * OutputSize > outputs.Length)
            throw new ArgumentException($"OrtBatchPredictor: {rows} rows need room for {(long)rows * OutputSize} outputs ({OutputSize} per row), but the array holds {outputs.Length}.", nameof(outputs));

        for (var start = 0; start < rows; start += _batchSize)
        {
            var n = Math.Min(_batchSize, rows - start);
            // Both tensors pin the caller's memory: ONNX Runtime reads the rows in place and writes
            // the results straight into the output array (no copies, no per-row allocations).
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                features.AsMemory(start * InputSize, n * InputSize), WithBatch(_inputShape, n));
            using var output = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                outputs.AsMemory(start * OutputSize, n * OutputSize), WithBatch(_outputShape, n));
            _runner.Run([input], [output]);
        }
    }

    /// <summary>Releases the session. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _runner.Dispose();
    }

    private static string CheckPath(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"OrtBatchPredictor: ONNX model '{Path.GetFullPath(path)}' does not exist. Expected a file written by OnnxExporter.ExportToFile or another ONNX exporter.", path);
    }

    private static (string[] Names, long[] Shape, int Size) CheckInput(OnnxSessionRunner session)
    {
        var inputs = session.InputMetadata;
        if (inputs.Count != 1)
            throw new InvalidOperationException($"OrtBatchPredictor: the model has {inputs.Count} inputs ({Describe(inputs)}); expected exactly one float tensor [N, features]. Export a single-input graph (OnnxExporter does).");
        var (name, meta) = inputs.First();
        var (shape, size) = CheckTensor("input", name, meta, inputs);
        return ([name], shape, size);
    }

    private static (string[] Names, long[] Shape, int Size) CheckOutput(OnnxSessionRunner session, string? outputName)
    {
        var outputs = session.OutputMetadata;
        var name = outputName ?? session.OutputNames[0];
        if (!outputs.TryGetValue(name, out var meta))
            throw new ArgumentException($"OrtBatchPredictor: the model has no output '{name}'. Available outputs: {Describe(outputs)}.", nameof(outputName));
        var (shape, size) = CheckTensor("output", name, meta, outputs);
        return ([name], shape, size);
    }

    /// <summary>
    /// Checks a float tensor of shape [N, d1, ..., dk] (N symbolic or free, every dᵢ fixed, k ≥ 1) and
    /// returns its shape and the values per example (d1·…·dk); rows are passed flattened, row-major.
    /// </summary>
    private static (long[] Shape, int Size) CheckTensor(string role, string name, NodeMetadata meta, IReadOnlyDictionary<string, NodeMetadata> all)
    {
        var dims = meta.Dimensions;
        var ok = meta.OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR && meta.ElementDataType == TensorElementType.Float
            && dims.Length >= 2 && dims[0] <= 0 && dims.Skip(1).All(d => d > 0);
        if (!ok)
            throw new InvalidOperationException(
                $"OrtBatchPredictor: model {role} '{name}' is {Describe(meta)}; expected a float tensor [N, d1, ...] with a symbolic batch dimension N and fixed sizes after it. " +
                $"The model's {role}s: {Describe(all)}. Export with OnnxExporter, or give a graph whose {role} has that shape.");
        var size = dims.Skip(1).Aggregate(1L, (a, d) => a * d);
        if (size > int.MaxValue / 2)
            throw new InvalidOperationException($"OrtBatchPredictor: model {role} '{name}' holds {size} values per example; at most {int.MaxValue / 2} are supported.");
        return (dims.Select(d => (long)d).ToArray(), (int)size);
    }

    private static long[] WithBatch(long[] shape, int rows)
    {
        var result = (long[])shape.Clone();
        result[0] = rows;
        return result;
    }

    private static string Describe(NodeMetadata m) => m.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR
        ? m.OnnxValueType.ToString()
        : $"{m.ElementDataType} [{string.Join(", ", m.Dimensions.Select((d, i) => d > 0 ? d.ToString() : m.SymbolicDimensions.ElementAtOrDefault(i) is { Length: > 0 } s ? s : "?"))}]";

    private static string Describe(IReadOnlyDictionary<string, NodeMetadata> all) =>
        string.Join(", ", all.Select(kv => $"'{kv.Key}' {Describe(kv.Value)}"));
}
