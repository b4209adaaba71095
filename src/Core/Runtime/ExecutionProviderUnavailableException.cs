namespace DeepML;

/// <summary>
/// An ONNX Runtime execution provider (for example CUDA) was requested but cannot be created. The
/// message says what is missing and how to fix it; <see cref="Missing"/> lists the missing pieces.
/// Set <see cref="ScoringOptions.FallbackToCpu"/> to score on the CPU instead.
/// </summary>
public sealed class ExecutionProviderUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider requested, for example <c>CUDAExecutionProvider</c>.</param>
    /// <param name="missing">What is missing (libraries, capabilities), for logs and tests.</param>
    /// <param name="message">The full message: what happened, what was expected, how to fix it.</param>
    /// <param name="inner">The ONNX Runtime error, when there was one.</param>
    public ExecutionProviderUnavailableException(string provider, IReadOnlyList<string> missing, string message, Exception? inner = null)
        : base(message, inner)
    {
        Provider = provider;
        Missing = missing;
    }

    /// <summary>The provider requested, for example <c>CUDAExecutionProvider</c>.</summary>
    public string Provider { get; }

    /// <summary>What is missing: library file names, or a capability such as "CUDAExecutionProvider in the loaded native library".</summary>
    public IReadOnlyList<string> Missing { get; }
}
