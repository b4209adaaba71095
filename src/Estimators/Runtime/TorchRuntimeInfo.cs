namespace DeepML;

/// <summary>What <see cref="TorchRuntime.EnsureLoaded"/> did about <c>libLibTorchSharp.so</c>'s symbol versions.</summary>
public enum NativePatchStatus
{
    /// <summary>The host's libstdc++ provides every version the library needs; the original file was loaded unchanged.</summary>
    NotNeeded,

    /// <summary>A patched copy was written to the per-user cache in this process and loaded.</summary>
    Created,

    /// <summary>A valid patched copy already in the per-user cache was loaded; nothing was written.</summary>
    Reused,

    /// <summary>Not a Linux x64 process: DeepML left native loading to TorchSharp.</summary>
    NotApplicable,
}

/// <summary>
/// The outcome of <see cref="TorchRuntime.EnsureLoaded"/>: which native libraries the process uses and why.
/// </summary>
/// <param name="LibTorchSharpPath">The <c>libLibTorchSharp.so</c> file actually loaded (the original or the patched copy); null when not applicable.</param>
/// <param name="OriginalLibTorchSharpPath">The <c>libLibTorchSharp.so</c> shipped with TorchSharp that was found; null when not applicable.</param>
/// <param name="PatchStatus">Whether a patched copy was needed, created or reused.</param>
/// <param name="WeakenedVersions">The needed symbol versions marked weak in the patched copy (empty when not patched).</param>
/// <param name="CachePath">The patched copy's path in the per-user cache, or null when no copy was needed.</param>
/// <param name="LibTorchFolder">The folder the native libtorch libraries were loaded from; null when not applicable.</param>
/// <param name="LibTorchFolderSource">Where that folder came from: <c>DEEPML_LIBTORCH_DIR</c>, <c>TORCH_LIB</c> or <c>application folder</c>.</param>
/// <param name="CudaAvailable">Whether the loaded libtorch reports a usable CUDA device.</param>
/// <param name="CudaDeviceCount">The number of CUDA devices libtorch sees (0 without CUDA).</param>
/// <param name="TorchVersion">The libtorch version TorchSharp was built against (TorchSharp's <c>torch.__version__</c>).</param>
/// <param name="Messages">The log lines written while loading, in order.</param>
public sealed record TorchRuntimeInfo(
    string? LibTorchSharpPath,
    string? OriginalLibTorchSharpPath,
    NativePatchStatus PatchStatus,
    IReadOnlyList<string> WeakenedVersions,
    string? CachePath,
    string? LibTorchFolder,
    string? LibTorchFolderSource,
    bool CudaAvailable,
    int CudaDeviceCount,
    string TorchVersion,
    IReadOnlyList<string> Messages)
{
    /// <summary>A one-line summary suitable for a log.</summary>
    /// <returns>The summary.</returns>
    public override string ToString() =>
        $"TorchRuntime: libtorch {TorchVersion} from {LibTorchFolder ?? "(TorchSharp default)"} ({LibTorchFolderSource ?? "n/a"}); " +
        $"libLibTorchSharp: {PatchStatus.ToString().ToLowerInvariant()} {LibTorchSharpPath ?? "(TorchSharp default)"}" +
        (WeakenedVersions.Count > 0 ? $" (weak: {string.Join(", ", WeakenedVersions)})" : string.Empty) +
        $"; CUDA {(CudaAvailable ? $"available, {CudaDeviceCount} device(s)" : "not available")}";
}
