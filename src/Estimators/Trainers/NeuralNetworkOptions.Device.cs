namespace DeepML;

// Where training and scoring run: device, CPU fallback, threads, scoring options.
public sealed partial record NeuralNetworkOptions
{
    /// <summary>Where to train: "cpu", "cuda" or "cuda:N". Default "cpu".</summary>
    public string Device
    {
        get => _device;
        init
        {
            try
            {
                TorchRuntime.ParseDevice(value);
            }
            catch (ArgumentException)
            {
                throw new ArgumentException($"NeuralNetworkOptions: Device must be {TorchRuntime.ValidDeviceForms}, got \"{value}\".", nameof(Device));
            }
            _device = value.Trim().ToLowerInvariant();
        }
    }

    /// <summary>When CUDA is asked for but not available: false (default) fails with a clear error; true logs and trains on the CPU.</summary>
    public bool FallbackToCpu { get; init; }

    /// <summary>
    /// Threads for CPU tensor work (a process-wide libtorch setting); null keeps libtorch's default (one per core).
    /// Small tabular networks often train fastest with 1: their ops are too small to split, and OpenMP's
    /// hand-offs between threads cost more than they save, badly so when other processes share the cores
    /// (UCI Adult MLP on 2 busy cores: 4.4 s with 1 thread, 36 s with 2).
    /// </summary>
    public int? NumberOfThreads { get => _numberOfThreads; init => _numberOfThreads = value is null ? null : Check(value.Value, value >= 1, nameof(NumberOfThreads), "at least 1"); }

    /// <summary>How the fitted model scores (ONNX Runtime device, batch size, threads). Default: CPU, 1024 rows per run.</summary>
    public ScoringOptions Scoring { get; init => field = value ?? throw new ArgumentNullException(nameof(Scoring), "NeuralNetworkOptions: Scoring must not be null; use new ScoringOptions()."); } = new();
}
