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

    /// <summary>Where a session runs, for example "ONNX Runtime 1.31.1, CPUExecutionProvider" or "…, CUDAExecutionProvider (cuda:0)".</summary>
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
    /// Appends the CUDA execution provider for <paramref name="deviceId"/> to <paramref name="so"/>,
    /// the way the loaded native library supports it: built in, or as the provider library beside it.
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
                $"DeepML: {where}, but the loaded native ONNX Runtime {info.Version} ('{info.LibraryPath}') was built without CUDA: its providers are {string.Join(", ", info.AvailableProviders)}, and no {CudaProviderLibrary} is beside it. " +
                $"Expected a CUDA-enabled libonnxruntime. Fix: set {OnnxRuntimeNative.DirectoryVariable} to a folder holding a CUDA-enabled {OnnxRuntimeNative.LibraryFileName} with {CudaProviderLibrary} and {SharedProviderLibrary} (scripts/fetch-onnxruntime-cuda.sh fetches one), " +
                "or reference Microsoft.ML.OnnxRuntime.Gpu instead of Microsoft.ML.OnnxRuntime; or set FallbackToCpu = true to score on the CPU.");
        }
        var folder = OnnxRuntimeNative.LoadedLibraryFolder(info);
        if (folder is not null && OperatingSystem.IsLinux() && MissingProviderLibraries(folder) is { Length: > 0 } missing)
        {
            throw new ExecutionProviderUnavailableException(OnnxRuntimeNative.CudaProvider, missing,
                $"DeepML: {where}, but {string.Join(" and ", missing)} {(missing.Length == 1 ? "is" : "are")} missing from '{folder}', beside the native ONNX Runtime. " +
                $"Expected the CUDA provider libraries next to {OnnxRuntimeNative.LibraryFileName}. Fix: copy them there (scripts/fetch-onnxruntime-cuda.sh does), or set FallbackToCpu = true.");
        }
        try
        {
            if (info.AvailableProviders.Contains(OnnxRuntimeNative.CudaProvider))
                AppendBuiltInCuda(so, deviceId);
            else if (info.Bridge is not null)
                so.AppendExecutionProvider_CUDA(deviceId);   // the API bridge's classic entry point registers the plugin library (deepml_ort_bridge.c)
            else
                AppendPluginCuda(so, info.CudaProviderLibrary!, deviceId, where);
        }
        catch (OnnxRuntimeException e)
        {
            throw ProviderFailed(where, deviceId, e.Message, e);
        }
    }

    /// <summary>
    /// A core built with CUDA (Microsoft.ML.OnnxRuntime.Gpu): the provider-options entry point of the
    /// C API table, which works also where the core exports no OrtSessionOptionsAppendExecutionProvider_CUDA.
    /// </summary>
    private static void AppendBuiltInCuda(SessionOptions so, int deviceId)
    {
        using var cuda = new OrtCUDAProviderOptions();
        cuda.UpdateOptions(new Dictionary<string, string> { ["device_id"] = deviceId.ToString(CultureInfo.InvariantCulture) });
        so.AppendExecutionProvider_CUDA(cuda);
    }

    /// <summary>
    /// A core (as new as the managed assembly) without built-in CUDA but with the CUDA provider library
    /// beside it: the library is registered once per process as a plugin execution provider, and the
    /// session gets the provider's device whose <c>cuda_device_id</c> is <paramref name="deviceId"/>.
    /// Through the API bridge the bridge does the same in C, so that ML.NET's own CUDA request works too.
    /// </summary>
    private static void AppendPluginCuda(SessionOptions so, string library, int deviceId, string where)
    {
        var env = OrtEnv.Instance();
        lock (PluginSync)
        {
            if (!_pluginRegistered)
            {
                env.RegisterExecutionProviderLibrary(PluginRegistrationName, library);
                _pluginRegistered = true;
            }
        }
        var devices = env.GetEpDevices().Where(d => d.EpName == OnnxRuntimeNative.CudaProvider).ToList();
        var id = deviceId.ToString(CultureInfo.InvariantCulture);
        var device = devices.FirstOrDefault(d => d.EpMetadata.Entries.TryGetValue("cuda_device_id", out var v) && v == id)
            ?? (devices.All(d => !d.EpMetadata.Entries.ContainsKey("cuda_device_id")) && deviceId < devices.Count ? devices[deviceId] : null);
        if (device is null)
            throw new ExecutionProviderUnavailableException(OnnxRuntimeNative.CudaProvider, [$"CUDA device {deviceId}"],
                $"DeepML: {where}, but ONNX Runtime's CUDA provider ('{library}') found {devices.Count} CUDA device{(devices.Count == 1 ? "" : "s")}" +
                (devices.Count == 0 ? "" : $" ({string.Join(", ", devices.Select(Describe))})") +
                $". Fix: check that GPU {deviceId} exists and the NVIDIA driver works ('nvidia-smi'), or choose another device; or set FallbackToCpu = true.");
        so.AppendExecutionProvider(env, [device], new Dictionary<string, string>());
    }

    private static string Describe(OrtEpDevice device)
    {
        var metadata = device.EpMetadata.Entries;
        return $"cuda:{(metadata.TryGetValue("cuda_device_id", out var id) ? id : "?")}{(metadata.TryGetValue("cuda_device_name", out var name) ? $" {name}" : "")}";
    }

    private const string PluginRegistrationName = "DeepML.CUDA";
    private static readonly Lock PluginSync = new();
    private static bool _pluginRegistered;

    /// <summary>The CUDA provider libraries missing from the folder of the native core.</summary>
    internal static string[] MissingProviderLibraries(string folder) =>
        new[] { CudaProviderLibrary, SharedProviderLibrary }.Where(f => !File.Exists(Path.Combine(folder, f))).ToArray();

    /// <summary>
    /// The error for a CUDA provider ONNX Runtime could not create: names the shared libraries the
    /// loader could not find (from the dlerror text ONNX Runtime passes on), or points at the device.
    /// </summary>
    internal static ExecutionProviderUnavailableException ProviderFailed(string where, int deviceId, string ortMessage, Exception inner)
    {
        var libraries = MissingLibraryPattern().Matches(ortMessage).Select(m => m.Groups[1].Value).Distinct().ToArray();
        var missing = libraries.Length > 0 ? libraries : [$"a working CUDA device {deviceId}"];
        var fix = libraries.Length > 0
            ? "Fix: install them (the CUDA runtime, cuBLAS, cuRAND and cuDNN 9 versions the provider was built for) and add their folders to LD_LIBRARY_PATH (for example the nvidia/*/lib folders of a pip-installed PyTorch) before starting the process"
            : $"Fix: check that GPU {deviceId} exists and the NVIDIA driver works ('nvidia-smi'), and that the CUDA and cuDNN versions match the provider build";
        return new ExecutionProviderUnavailableException(OnnxRuntimeNative.CudaProvider, missing,
            $"DeepML: {where}, but ONNX Runtime could not create the CUDA execution provider" +
            (libraries.Length > 0 ? $"; missing librar{(libraries.Length == 1 ? "y" : "ies")}: {string.Join(", ", libraries)}" : "") +
            $". ONNX Runtime said: {ortMessage.Trim()} {fix}; or set FallbackToCpu = true.", inner);
    }

    // dlerror() text inside ONNX Runtime's message: "libcublasLt.so.13: cannot open shared object file".
    [GeneratedRegex(@"(lib[\w.+-]+?\.so(?:\.\d+)*): cannot open shared object file")]
    private static partial Regex MissingLibraryPattern();
}
