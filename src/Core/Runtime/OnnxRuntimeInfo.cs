namespace DeepML;

/// <summary>Which native ONNX Runtime the process uses, as found by <see cref="OnnxRuntimeNative.Initialize"/>.</summary>
/// <param name="Version">The native library's version, for example <c>1.32.0</c>.</param>
/// <param name="LibraryPath">The native library file actually mapped into the process (or the name the loader searched for when the file cannot be determined).</param>
/// <param name="ConfiguredDirectory">The folder from <see cref="OnnxRuntimeNative.DirectoryVariable"/>, or null when the default (NuGet) native library is used.</param>
/// <param name="AvailableProviders">Execution providers the native library was built with, for example <c>CUDAExecutionProvider, CPUExecutionProvider</c>.</param>
/// <param name="CudaProviderLibrary">
/// The CUDA provider library (<c>libonnxruntime_providers_cuda.so</c>) beside the native library, or null.
/// ONNX Runtime loads it when a session asks for CUDA; it needs the CUDA libraries on the loader path.
/// </param>
public sealed record OnnxRuntimeInfo(string Version, string LibraryPath, string? ConfiguredDirectory, IReadOnlyList<string> AvailableProviders,
    string? CudaProviderLibrary = null)
{
    /// <summary>Whether the native library was built with CUDA (<see cref="OnnxRuntimeNative.CudaPackage"/> is), so a session may ask for it.</summary>
    public bool HasCuda => AvailableProviders.Contains(OnnxRuntimeNative.CudaProvider);

    /// <summary>One line for logs.</summary>
    public override string ToString() =>
        $"ONNX Runtime {Version} from '{LibraryPath}'{(ConfiguredDirectory is null ? "" : $" ({OnnxRuntimeNative.DirectoryVariable})")}; providers: {string.Join(", ", AvailableProviders)}";
}
