using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace DeepML;

/// <summary>
/// Chooses and loads the native ONNX Runtime before the first session. By default the native
/// library of the application's ONNX Runtime package is used (Microsoft.ML.OnnxRuntime for the CPU,
/// Microsoft.ML.OnnxRuntime.Gpu for CUDA). When the environment variable
/// <see cref="DirectoryVariable"/> names a folder, that folder's <c>libonnxruntime.so</c> (for
/// example a CUDA-enabled build fetched by <c>scripts/fetch-onnxruntime-cuda.sh</c>) is loaded
/// instead, through a <see cref="NativeLibrary.SetDllImportResolver"/> hook on the ONNX Runtime
/// managed assembly; the CUDA provider libraries are then looked for beside it.
/// </summary>
/// <remarks>
/// The choice is made once per process and logged (library file, version, providers). It must
/// happen before any other code touches ONNX Runtime: DeepML's scorers call <see cref="Initialize"/>
/// first; call it yourself at start-up when other components use ONNX Runtime too (ML.NET's
/// <c>ApplyOnnxModel</c>, for example).
/// </remarks>
public static class OnnxRuntimeNative
{
    /// <summary>The environment variable naming a folder with a native ONNX Runtime to load: <c>DEEPML_ONNXRUNTIME_DIR</c>.</summary>
    public const string DirectoryVariable = "DEEPML_ONNXRUNTIME_DIR";

    /// <summary>ONNX Runtime's name of the CUDA execution provider.</summary>
    public const string CudaProvider = "CUDAExecutionProvider";

    /// <summary>The name the ONNX Runtime managed assembly passes to <c>DllImport</c> (NativeMethods.DllName).</summary>
    internal const string DllImportName = "onnxruntime";

    private static readonly Lock Sync = new();
    private static OnnxRuntimeInfo? _info;
    private static IntPtr _configuredHandle;   // kept for the life of the process: the resolver hands it out
    private static string? _configuredPath;
    private static string? _bridge;

    /// <summary>The native library's file name on this platform.</summary>
    public static string LibraryFileName =>
        OperatingSystem.IsWindows() ? "onnxruntime.dll" : OperatingSystem.IsMacOS() ? "libonnxruntime.dylib" : "libonnxruntime.so";

    /// <summary>
    /// Loads the native ONNX Runtime once (from <see cref="DirectoryVariable"/> when set) and returns
    /// which library and providers it got; every call logs that line. Later calls return the same answer.
    /// </summary>
    /// <param name="log">Receives one line describing the library; null logs nothing.</param>
    /// <exception cref="DllNotFoundException">The configured folder or its library is missing, or cannot drive this managed ONNX Runtime.</exception>
    public static OnnxRuntimeInfo Initialize(Action<string>? log = null)
    {
        lock (Sync)
        {
            if (_info is not null)
            {
                log?.Invoke($"DeepML: {_info}");
                return _info;
            }
            var folder = Environment.GetEnvironmentVariable(DirectoryVariable);
            string? configured = null;
            if (!string.IsNullOrWhiteSpace(folder))
            {
                var earlier = MappedLibraryPaths().FirstOrDefault(p => Path.GetDirectoryName(p) != Path.GetFullPath(folder.Trim()).TrimEnd('/'));
                if (earlier is not null)
                    throw new DllNotFoundException($"OnnxRuntimeNative: {DirectoryVariable} is '{folder}', but ONNX Runtime was already loaded from '{earlier}' before DeepML could choose the native library. Expected DeepML to load it first. Call OnnxRuntimeNative.Initialize() at start-up, before any other ONNX Runtime use (ML.NET's ApplyOnnxModel included).");
                var (path, handle, bridge) = LoadConfigured(folder);
                RegisterResolver(handle, path);
                _configuredHandle = handle;
                _configuredPath = path;
                _bridge = bridge;
                configured = Path.GetDirectoryName(path);
            }
            var env = OrtEnv.Instance();
            var providers = env.GetAvailableProviders();
            var mapped = MappedLibraryPath() ?? (configured is null ? $"{LibraryFileName} (loader search path)" : Path.Combine(configured, LibraryFileName));
            var folderOfCore = File.Exists(mapped) ? Path.GetDirectoryName(mapped) : configured;
            var cudaLibrary = folderOfCore is null ? null : Path.Combine(folderOfCore, OrtSessionFactory.CudaProviderLibrary);
            _info = new OnnxRuntimeInfo(env.GetVersionString(), mapped, configured, providers, _bridge, File.Exists(cudaLibrary) ? cudaLibrary : null);
            log?.Invoke($"DeepML: {_info}");
            return _info;
        }
    }

    /// <summary>
    /// Appends the CUDA execution provider for GPU <paramref name="deviceId"/> to session options of
    /// your own, the way DeepML's scorers do: through the provider built into the loaded native
    /// ONNX Runtime, or by registering the CUDA provider library beside it as a plugin execution
    /// provider (the npm core of scripts/fetch-onnxruntime-cuda.sh, which exports no
    /// <c>OrtSessionOptionsAppendExecutionProvider_CUDA</c>, so <see cref="SessionOptions.AppendExecutionProvider_CUDA(int)"/> fails there).
    /// Calls <see cref="Initialize"/> first.
    /// </summary>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA cannot be had; the message names what is missing and how to fix it.</exception>
    public static void AppendCuda(SessionOptions sessionOptions, int deviceId)
    {
        ArgumentNullException.ThrowIfNull(sessionOptions);
        ArgumentOutOfRangeException.ThrowIfNegative(deviceId);
        OrtSessionFactory.AppendCuda(sessionOptions, Initialize(), deviceId, $"cuda:{deviceId} was requested (OnnxRuntimeNative.AppendCuda)");
    }

    /// <summary>
    /// Validates <paramref name="folder"/> and loads its native library without registering it. The
    /// library must exist and offer the C API version of the managed ONNX Runtime assembly, or be an
    /// older core that DeepML's API bridge (<see cref="OrtApiBridge"/>, beside it in the folder) can
    /// stand in for; then the bridge's handle and a description of it come back.
    /// </summary>
    /// <returns>The core's path, the handle the DllImport resolver should hand out, and the bridge description (null without a bridge).</returns>
    internal static (string Path, IntPtr Handle, string? Bridge) LoadConfigured(string folder)
    {
        var full = Path.GetFullPath(folder.Trim());
        if (!Directory.Exists(full))
            throw new DllNotFoundException($"OnnxRuntimeNative: {DirectoryVariable} is '{folder}', but that folder does not exist. Expected a folder holding {LibraryFileName} (and, for CUDA, libonnxruntime_providers_cuda.so and libonnxruntime_providers_shared.so). Run scripts/fetch-onnxruntime-cuda.sh or unset {DirectoryVariable} to use the packaged native library.");
        var path = Path.Combine(full, LibraryFileName);
        if (!File.Exists(path))
            throw new DllNotFoundException($"OnnxRuntimeNative: {DirectoryVariable} is '{folder}', but '{path}' does not exist (the folder holds: {Describe(full)}). Expected {LibraryFileName} there. Run scripts/fetch-onnxruntime-cuda.sh or point {DirectoryVariable} at the folder that holds it.");
        if (!NativeLibrary.TryLoad(path, out var handle))
            throw new DllNotFoundException($"OnnxRuntimeNative: '{path}' (from {DirectoryVariable}) exists but cannot be loaded; it may be for another platform or need a newer C library. Expected a {RuntimeInformation.RuntimeIdentifier} build of ONNX Runtime; check it with 'ldd {path}'.");
        try
        {
            var version = VersionString(handle);
            // Ask the core for the managed API version only when its own version says it may have it:
            // a core asked for a newer version prints an error line of its own.
            if ((System.Version.TryParse(version, out var v) ? v.Minor : int.MaxValue) >= ManagedApiVersion && Probe(handle, ManagedApiVersion).SupportsApi)
                return (path, handle, null);
            var bridgePath = Path.Combine(full, OrtApiBridge.FileName);
            if (!File.Exists(bridgePath))
                throw new DllNotFoundException(
                    $"OnnxRuntimeNative: the native ONNX Runtime {version} at '{path}' (from {DirectoryVariable}) does not offer C API version {ManagedApiVersion}, " +
                    $"which the managed Microsoft.ML.OnnxRuntime {ManagedVersion} assembly needs: a native core refuses a newer managed API. DeepML's API bridge ({OrtApiBridge.FileName}) can stand in for an older core, but it is not in that folder. " +
                    $"Fix: run scripts/fetch-onnxruntime-cuda.sh, which builds the bridge beside the core; or use a native build at least as new as the managed package ({ManagedVersion.Major}.{ManagedVersion.Minor}).");
            var (bridge, description) = OrtApiBridge.Open(bridgePath, path, version, ManagedApiVersion);
            return (path, bridge, description);
        }
        catch
        {
            NativeLibrary.Free(handle);
            throw;
        }
    }

    /// <summary>The version a native library reports (OrtGetApiBase()-&gt;GetVersionString()), for example <c>1.29.0</c>.</summary>
    internal static string VersionString(IntPtr handle)
    {
        var getVersion = Marshal.GetDelegateForFunctionPointer<GetVersionStringFn>(Marshal.ReadIntPtr(ApiBase(handle), IntPtr.Size));
        return Marshal.PtrToStringUTF8(getVersion()) ?? "unknown";
    }

    /// <summary>The version a native library reports, and whether it offers <paramref name="apiVersion"/>.</summary>
    internal static (string Version, bool SupportsApi) Probe(IntPtr handle, uint apiVersion)
    {
        // struct OrtApiBase { const OrtApi* (*GetApi)(uint32_t); const char* (*GetVersionString)(void); }
        var getApi = Marshal.GetDelegateForFunctionPointer<GetApiFn>(Marshal.ReadIntPtr(ApiBase(handle), 0));
        return (VersionString(handle), getApi(apiVersion) != IntPtr.Zero);
    }

    private static IntPtr ApiBase(IntPtr handle) =>
        Marshal.GetDelegateForFunctionPointer<GetApiBaseFn>(NativeLibrary.GetExport(handle, "OrtGetApiBase"))();

    /// <summary>
    /// The ONNX Runtime C API version the managed assembly asks the native library for. Observed:
    /// 1.31.1 asks for 31 (its minor version; a 1.29 core answers "API version [31] is not available");
    /// the 1.29 C# sources ask for 14 (a fixed ORT_API_VERSION in NativeMethods). Versions in between
    /// are assumed to ask for their minor version, which errs on the side of refusing.
    /// </summary>
    internal static uint ManagedApiVersion => ManagedVersion.Minor <= 29 ? 14u : (uint)ManagedVersion.Minor;

    internal static Version ManagedVersion
    {
        get
        {
            var assembly = typeof(OrtEnv).Assembly;
            var text = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+', '-')[0];
            return System.Version.TryParse(text, out var v) ? v : assembly.GetName().Version ?? new Version(0, 0);
        }
    }

    private static void RegisterResolver(IntPtr handle, string path)
    {
        // ONNX Runtime ≥ 1.22 registers its own resolver in NativeMethods' static constructor;
        // this flag (set before any other ONNX Runtime use) keeps it from competing with ours.
        OrtEnv.DisableDllImportResolver = true;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(OrtEnv).Assembly,
                (name, _, _) => name == DllImportName || name == LibraryFileName ? handle : IntPtr.Zero);
        }
        catch (InvalidOperationException e)
        {
            throw new DllNotFoundException($"OnnxRuntimeNative: cannot load '{path}' from {DirectoryVariable}: another component already set a DllImportResolver on the ONNX Runtime assembly. Expected DeepML to choose the native library first. Call OnnxRuntimeNative.Initialize() at start-up before other ONNX Runtime use, or unset {DirectoryVariable}.", e);
        }
    }

    /// <summary>On Linux, the path of the native ONNX Runtime the managed assembly is bound to (the configured one when loaded from a folder).</summary>
    internal static string? MappedLibraryPath()
    {
        var paths = MappedLibraryPaths();
        var configured = _configuredPath;
        return configured is not null && paths.Contains(configured) ? configured : paths.FirstOrDefault();
    }

    /// <summary>On Linux, every native ONNX Runtime core file mapped into this process (from /proc/self/maps).</summary>
    internal static IReadOnlyList<string> MappedLibraryPaths()
    {
        const string maps = "/proc/self/maps";
        if (!OperatingSystem.IsLinux() || !File.Exists(maps))
            return [];
        var paths = new List<string>();
        foreach (var line in File.ReadLines(maps))
        {
            var at = line.IndexOf('/');
            if (at >= 0 && Path.GetFileName(line.AsSpan(at)).StartsWith("libonnxruntime.so", StringComparison.Ordinal) && !paths.Contains(line[at..]))
                paths.Add(line[at..]);
        }
        return paths;
    }

    /// <summary>The folder the loaded native ONNX Runtime lives in (where it looks for provider libraries).</summary>
    internal static string? LoadedLibraryFolder(OnnxRuntimeInfo info) =>
        File.Exists(info.LibraryPath) ? Path.GetDirectoryName(info.LibraryPath) : info.ConfiguredDirectory;

    private static string Describe(string folder)
    {
        var names = Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).Take(10).ToArray();
        return names.Length == 0 ? "nothing" : string.Join(", ", names);
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr GetApiBaseFn();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr GetApiFn(uint version);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr GetVersionStringFn();
}
