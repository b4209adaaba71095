namespace DeepML;

/// <summary>Which native ONNX Runtime the process uses, as found by <see cref="OnnxRuntimeNative.Initialize"/>.</summary>
/// <param name="Version">The native library's version, for example <c>1.31.1</c>.</param>
/// <param name="LibraryPath">The native library file actually mapped into the process (or the name the loader searched for when the file cannot be determined).</param>
/// <param name="ConfiguredDirectory">The folder from <see cref="OnnxRuntimeNative.DirectoryVariable"/>, or null when the default (NuGet) native library is used.</param>
/// <param name="AvailableProviders">Execution providers the native library was built with, for example <c>CUDAExecutionProvider, CPUExecutionProvider</c>.</param>
public sealed record OnnxRuntimeInfo(string Version, string LibraryPath, string? ConfiguredDirectory, IReadOnlyList<string> AvailableProviders)
{
    /// <summary>Whether the native library was built with the CUDA execution provider.</summary>
    public bool HasCuda => AvailableProviders.Contains(OnnxRuntimeNative.CudaProvider);

    /// <summary>One line for logs.</summary>
    public override string ToString() =>
        $"ONNX Runtime {Version} from '{LibraryPath}'{(ConfiguredDirectory is null ? "" : $" ({OnnxRuntimeNative.DirectoryVariable})")}; providers: {string.Join(", ", AvailableProviders)}";
}
