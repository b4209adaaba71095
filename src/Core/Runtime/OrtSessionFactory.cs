using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;

namespace DeepML;

/// <summary>
/// Creates ONNX Runtime sessions on the device a <see cref="ScoringOptions"/> asks for: the CPU, or
/// the CUDA execution provider with a device id. When CUDA cannot be had it either throws an
/// <see cref="ExecutionProviderUnavailableException"/> naming what is missing or, with
/// <see cref="ScoringOptions.FallbackToCpu"/>, logs why and creates a CPU session. Never silent.
/// </summary>
internal static partial class OrtSessionFactory
{
    internal const string CudaProviderLibrary = "libonnxruntime_providers_cuda.so";
    internal const string SharedProviderLibrary = "libonnxruntime_providers_shared.so";

    /// <summary>Creates a session; <paramref name="create"/> opens the model with the given options.</summary>
    /// <returns>The session and the execution provider it runs on.</returns>
    public static (InferenceSession Session, string Provider) Create(
        Func<SessionOptions, InferenceSession> create, ScoringOptions options, Action<string>? log)
    {
        var info = OnnxRuntimeNative.Initialize(log);
        if (options.DeviceId is int deviceId)
        {
            var failure = TryCreateCuda(create, options, info, deviceId, out var session);
            if (session is not null)
            {
                log?.Invoke($"DeepML: ONNX Runtime session on {OnnxRuntimeNative.CudaProvider} (cuda:{deviceId}).");
                return (session, OnnxRuntimeNative.CudaProvider);
            }
            if (!options.FallbackToCpu)
                throw failure!;
            log?.Invoke($"DeepML: falling back to the CPU because FallbackToCpu is set. {failure!.Message}");
        }
        using var cpu = NewOptions(options);
        return (create(cpu), "CPUExecutionProvider");
    }

    /// <summary>Where a session runs, for example "ONNX Runtime 1.32.0, CPUExecutionProvider" or "…, CUDAExecutionProvider (cuda:0)".</summary>
    internal static string Describe(string provider, ScoringOptions options) =>
        $"ONNX Runtime {OnnxRuntimeNative.Initialize().Version}, {provider}{(options.DeviceId is int id && provider == OnnxRuntimeNative.CudaProvider ? $" (cuda:{id})" : "")}";

    private static SessionOptions NewOptions(ScoringOptions options)
    {
        var so = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (options.IntraOpThreads > 0)
            so.IntraOpNumThreads = options.IntraOpThreads;
        return so;
    }

    /// <summary>Returns null and a session on success, otherwise the error to throw (or log).</summary>
    private static ExecutionProviderUnavailableException? TryCreateCuda(
        Func<SessionOptions, InferenceSession> create, ScoringOptions options, OnnxRuntimeInfo info, int deviceId, out InferenceSession? session)
    {
        session = null;
        var where = $"cuda:{deviceId} was requested (ScoringOptions.Device = \"{options.Device}\")";
        var so = NewOptions(options);
        try
        {
            AppendCuda(so, info, deviceId, where);
            session = create(so);
            return null;
        }
        catch (ExecutionProviderUnavailableException e)
        {
            return e;
        }
        catch (OnnxRuntimeException e)
        {
            return ProviderFailed(where, deviceId, e.Message, e);
        }
        finally
        {
            so.Dispose();
        }
    }

    /// <summary>
    /// Appends the CUDA execution provider for <paramref name="deviceId"/> to <paramref name="so"/>
    /// (built into the native library of <see cref="OnnxRuntimeNative.CudaPackage"/>), or throws naming what is missing.
    /// </summary>
    /// <param name="so">The session options to extend.</param>
    /// <param name="info">The loaded native library (<see cref="OnnxRuntimeNative.Initialize"/>).</param>
    /// <param name="deviceId">The CUDA device id.</param>
    /// <param name="where">The start of every error message: what asked for CUDA.</param>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA cannot be had; the message names what is missing.</exception>
    internal static void AppendCuda(SessionOptions so, OnnxRuntimeInfo info, int deviceId, string where)
    {
        if (!info.HasCuda)
        {
            throw new ExecutionProviderUnavailableException(OnnxRuntimeNative.CudaProvider, [$"{OnnxRuntimeNative.CudaProvider} in the loaded native ONNX Runtime"],
                $"DeepML: {where}, but the loaded native ONNX Runtime {info.Version} ('{info.LibraryPath}') was built without CUDA: its providers are {string.Join(", ", info.AvailableProviders)}. " +
                $"Expected a CUDA-enabled {OnnxRuntimeNative.LibraryFileName}. Fix: reference {OnnxRuntimeNative.CudaPackage} (Microsoft.ML.OnnxRuntime.Gpu on Windows) instead of {OnnxRuntimeNative.CpuPackage} in the application, " +
                $"or set {OnnxRuntimeNative.DirectoryVariable} to a folder holding a CUDA-enabled {OnnxRuntimeNative.LibraryFileName} with {CudaProviderLibrary} and {SharedProviderLibrary}; or set FallbackToCpu = true to score on the CPU.");
        }
        var folder = OnnxRuntimeNative.LoadedLibraryFolder(info);
        if (folder is not null && OperatingSystem.IsLinux() && MissingProviderLibraries(folder) is { Length: > 0 } missing)
        {
            throw new ExecutionProviderUnavailableException(OnnxRuntimeNative.CudaProvider, missing,
                $"DeepML: {where}, but {string.Join(" and ", missing)} {(missing.Length == 1 ? "is" : "are")} missing from '{folder}', beside the native ONNX Runtime. " +
                $"Expected the CUDA provider libraries next to {OnnxRuntimeNative.LibraryFileName}, as {OnnxRuntimeNative.CudaPackage} ships them. Fix: copy them there from the package (a trimmed publish may have dropped them), or set FallbackToCpu = true.");
        }
        try
        {
            using var cuda = new OrtCUDAProviderOptions();
            cuda.UpdateOptions(new Dictionary<string, string> { ["device_id"] = deviceId.ToString(CultureInfo.InvariantCulture) });
            so.AppendExecutionProvider_CUDA(cuda);
        }
        catch (OnnxRuntimeException e)
        {
            throw ProviderFailed(where, deviceId, e.Message, e, info.CudaProviderLibrary);
        }
    }

    /// <summary>The CUDA provider libraries missing from the folder of the native core.</summary>
    internal static string[] MissingProviderLibraries(string folder) =>
        new[] { CudaProviderLibrary, SharedProviderLibrary }.Where(f => !File.Exists(Path.Combine(folder, f))).ToArray();

    /// <summary>
    /// The error for a CUDA provider ONNX Runtime could not create. ONNX Runtime's message says only
    /// "Failed to load shared library", so the missing library is found by loading the provider's
    /// dependencies (<see cref="NativeDependencyProbe"/>), or read from the dlerror text where ONNX
    /// Runtime passes it on; without either, the error points at the device.
    /// </summary>
    /// <param name="where">What asked for CUDA.</param>
    /// <param name="deviceId">The CUDA device id.</param>
    /// <param name="ortMessage">ONNX Runtime's message.</param>
    /// <param name="inner">ONNX Runtime's exception.</param>
    /// <param name="providerLibrary">The CUDA provider library to probe, or null to rely on <paramref name="ortMessage"/>.</param>
    internal static ExecutionProviderUnavailableException ProviderFailed(string where, int deviceId, string ortMessage, Exception inner, string? providerLibrary = null)
    {
        IReadOnlyList<string> chain = providerLibrary is null ? [] : NativeDependencyProbe.FirstUnresolvable(providerLibrary);
        string[] libraries = chain.Count > 0 ? [chain[^1]] : MissingLibraryPattern().Matches(ortMessage).Select(m => m.Groups[1].Value).Distinct().ToArray();
        var named = chain.Count > 0 ? $"{Path.GetFileName(providerLibrary)} needs {NativeDependencyProbe.Describe(chain)}, which the loader cannot find"
            : libraries.Length > 0 ? $"missing librar{(libraries.Length == 1 ? "y" : "ies")}: {string.Join(", ", libraries)}" : null;
        var fix = libraries.Contains(DriverLibrary)
            ? $"Expected the NVIDIA driver. Fix: install it ({DriverLibrary} comes with the driver; check with 'nvidia-smi')"
            : libraries.Length > 0
                ? "Expected the CUDA 13 libraries the provider was built for (CUDA runtime, cuBLAS/cuBLASLt, cuRAND, cuDNN 9) on the loader path. " +
                  "Fix: put their folders on LD_LIBRARY_PATH before starting the process, for example a PyTorch cu130 installation's site-packages/nvidia/*/lib folders"
                : $"Expected a working CUDA device {deviceId}. Fix: check that GPU {deviceId} exists and the NVIDIA driver works ('nvidia-smi'), and that the CUDA and cuDNN versions match the provider build";
        return new ExecutionProviderUnavailableException(OnnxRuntimeNative.CudaProvider, libraries.Length > 0 ? libraries : [$"a working CUDA device {deviceId}"],
            $"DeepML: {where}, but ONNX Runtime could not create the CUDA execution provider{(named is null ? "" : $": {named}")}. " +
            $"ONNX Runtime said: {ortMessage.Trim()} {fix}; or set FallbackToCpu = true.", inner);
    }

    private const string DriverLibrary = "libcuda.so.1";

    // dlerror() text inside ONNX Runtime's message: "libcublasLt.so.13: cannot open shared object file".
    [GeneratedRegex(@"(lib[\w.+-]+?\.so(?:\.\d+)*): cannot open shared object file")]
    private static partial Regex MissingLibraryPattern();
}
