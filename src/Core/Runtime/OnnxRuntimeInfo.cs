namespace DeepML;

/// <summary>Which native ONNX Runtime the process uses, as found by <see cref="OnnxRuntimeNative.Initialize"/>.</summary>
/// <param name="Version">The native library's version, for example <c>1.31.1</c>.</param>
/// <param name="LibraryPath">The native library file actually mapped into the process (or the name the loader searched for when the file cannot be determined).</param>
/// <param name="ConfiguredDirectory">The folder from <see cref="OnnxRuntimeNative.DirectoryVariable"/>, or null when the default (NuGet) native library is used.</param>
/// <param name="AvailableProviders">Execution providers the native library was built with, for example <c>CUDAExecutionProvider, CPUExecutionProvider</c>.</param>
/// <param name="Bridge">How DeepML's API bridge connects the managed assembly to an older configured core, or null when the managed assembly talks to the native library directly.</param>
/// <param name="CudaProviderLibrary">
/// The CUDA provider library (<c>libonnxruntime_providers_cuda.so</c>) beside the native library, or null.
/// ONNX Runtime loads it on demand when a session asks for CUDA, also from a core that does not list
/// CUDA among its built-in providers (the npm core fetched by scripts/fetch-onnxruntime-cuda.sh is one).
/// </param>
public sealed record OnnxRuntimeInfo(string Version, string LibraryPath, string? ConfiguredDirectory, IReadOnlyList<string> AvailableProviders,
    string? Bridge = null, string? CudaProviderLibrary = null)
{
    /// <summary>Whether a session may ask for CUDA: the provider is built in, or its library is beside the native library.</summary>
    public bool HasCuda => AvailableProviders.Contains(OnnxRuntimeNative.CudaProvider) || CudaProviderLibrary is not null;

    /// <summary>One line for logs.</summary>
    public override string ToString() =>
        $"ONNX Runtime {Version} from '{LibraryPath}'{(ConfiguredDirectory is null ? "" : $" ({OnnxRuntimeNative.DirectoryVariable})")}{(Bridge is null ? "" : $" {Bridge}")}; providers: {string.Join(", ", AvailableProviders)}" +
        (CudaProviderLibrary is null || AvailableProviders.Contains(OnnxRuntimeNative.CudaProvider) ? "" : $"; CUDA provider loadable on demand from '{CudaProviderLibrary}'");
}
