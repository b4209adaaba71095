using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace DeepML;

/// <summary>
/// Chooses and loads the native ONNX Runtime before the first session. By default the native
/// library of the application's ONNX Runtime package is used (<see cref="CpuPackage"/> for the CPU,
/// <see cref="CudaPackage"/> for CUDA on Linux). When the environment variable
/// <see cref="DirectoryVariable"/> names a folder, that folder's <c>libonnxruntime.so</c> (a build of
/// your choice) is loaded instead, through a <see cref="NativeLibrary.SetDllImportResolver"/> hook on
/// the ONNX Runtime managed assembly; ONNX Runtime looks for its CUDA provider library beside it.
/// </summary>
/// <remarks>
/// The choice is made once per process and logged (library file, version, providers). It must
/// happen before any other code touches ONNX Runtime: DeepML's scorers call <see cref="Initialize"/>
/// first, and DeepML's trainers call it before training, so that an application without a native
/// ONNX Runtime package learns it before a long <c>Fit</c> rather than after. Call it yourself at
/// start-up when other components use ONNX Runtime too (ML.NET's <c>ApplyOnnxModel</c>, for example).
/// </remarks>
public static class OnnxRuntimeNative
{
    /// <summary>The environment variable naming a folder with a native ONNX Runtime to load: <c>DEEPML_ONNXRUNTIME_DIR</c>.</summary>
    public const string DirectoryVariable = "DEEPML_ONNXRUNTIME_DIR";

    /// <summary>ONNX Runtime's name of the CUDA execution provider.</summary>
    public const string CudaProvider = "CUDAExecutionProvider";

    /// <summary>The native package an application references to score on the CPU.</summary>
    public const string CpuPackage = "Microsoft.ML.OnnxRuntime";

    /// <summary>The native package an application references to score on CUDA (Linux x64; <c>Microsoft.ML.OnnxRuntime.Gpu</c> adds Windows).</summary>
    public const string CudaPackage = "Microsoft.ML.OnnxRuntime.Gpu.Linux";

    /// <summary>The name the ONNX Runtime managed assembly passes to <c>DllImport</c> (NativeMethods.DllName).</summary>
    internal const string DllImportName = "onnxruntime";

    private static readonly Lock Sync = new();
    private static OnnxRuntimeInfo? _info;
    private static IntPtr _configuredHandle;   // kept for the life of the process: the resolver hands it out
    private static string? _configuredPath;

    /// <summary>The native library's file name on this platform.</summary>
    public static string LibraryFileName =>
        OperatingSystem.IsWindows() ? "onnxruntime.dll" : OperatingSystem.IsMacOS() ? "libonnxruntime.dylib" : "libonnxruntime.so";

    /// <summary>
    /// Loads the native ONNX Runtime once (from <see cref="DirectoryVariable"/> when set) and returns
    /// which library and providers it got; every call logs that line. Later calls return the same answer.
    /// </summary>
    /// <param name="log">Receives one line describing the library; null logs nothing.</param>
    /// <exception cref="DllNotFoundException">
    /// No native ONNX Runtime can be loaded (the application references no native package: the message names
    /// the package to add), or the configured folder or its library is missing or older than this managed ONNX Runtime.
    /// </exception>
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
                var (path, handle) = LoadConfigured(folder);
                RegisterResolver(handle, path);
                _configuredHandle = handle;
                _configuredPath = path;
                configured = Path.GetDirectoryName(path);
            }
            var env = OpenEnvironment();
            var providers = env.GetAvailableProviders();
            var mapped = MappedLibraryPath() ?? (configured is null ? $"{LibraryFileName} (loader search path)" : Path.Combine(configured, LibraryFileName));
            var folderOfCore = File.Exists(mapped) ? Path.GetDirectoryName(mapped) : configured;
            var cudaLibrary = folderOfCore is null ? null : Path.Combine(folderOfCore, OrtSessionFactory.CudaProviderLibrary);
            _info = new OnnxRuntimeInfo(env.GetVersionString(), mapped, configured, providers, File.Exists(cudaLibrary) ? cudaLibrary : null);
            log?.Invoke($"DeepML: {_info}");
            return _info;
        }
    }

    /// <summary>
    /// Appends the CUDA execution provider for GPU <paramref name="deviceId"/> to session options of
    /// your own, the way DeepML's scorers do, with their errors: a native ONNX Runtime without CUDA names
    /// <see cref="CudaPackage"/>, and a CUDA provider that fails to load names the first CUDA library the
    /// loader cannot find (ONNX Runtime's own message does not). Calls <see cref="Initialize"/> first.
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
    /// library must exist and offer the C API version of the managed ONNX Runtime assembly.
    /// </summary>
    /// <returns>The library's path and the handle the DllImport resolver should hand out.</returns>
    internal static (string Path, IntPtr Handle) LoadConfigured(string folder)
    {
        var full = Path.GetFullPath(folder.Trim());
        if (!Directory.Exists(full))
            throw new DllNotFoundException($"OnnxRuntimeNative: {DirectoryVariable} is '{folder}', but that folder does not exist. Expected a folder holding {LibraryFileName} (and, for CUDA, {OrtSessionFactory.CudaProviderLibrary} and {OrtSessionFactory.SharedProviderLibrary}). Point {DirectoryVariable} at such a folder, or unset it to use the native library of the application's {CpuPackage} or {CudaPackage} package.");
        var path = Path.Combine(full, LibraryFileName);
        if (!File.Exists(path))
            throw new DllNotFoundException($"OnnxRuntimeNative: {DirectoryVariable} is '{folder}', but '{path}' does not exist (the folder holds: {Describe(full)}). Expected {LibraryFileName} there. Point {DirectoryVariable} at the folder that holds it, or unset it.");
        if (!NativeLibrary.TryLoad(path, out var handle))
            throw new DllNotFoundException($"OnnxRuntimeNative: '{path}' (from {DirectoryVariable}) exists but cannot be loaded; it may be for another platform or need a newer C library. Expected a {RuntimeInformation.RuntimeIdentifier} build of ONNX Runtime; check it with 'ldd {path}'.");
        try
        {
            var version = VersionString(handle);
            // Ask the core for the managed API version only when its own version says it may have it:
            // a core asked for a newer version prints an error line of its own.
            if ((System.Version.TryParse(version, out var v) ? v.Minor : int.MaxValue) >= ManagedApiVersion && Probe(handle, ManagedApiVersion).SupportsApi)
                return (path, handle);
            throw new DllNotFoundException(
                $"OnnxRuntimeNative: the native ONNX Runtime {version} at '{path}' (from {DirectoryVariable}) does not offer C API version {ManagedApiVersion}, " +
                $"which the managed Microsoft.ML.OnnxRuntime {ManagedVersion} assembly needs: a native library refuses a newer managed API. " +
                $"Expected a native build at least as new as the managed package ({ManagedVersion.Major}.{ManagedVersion.Minor}). Fix: point {DirectoryVariable} at such a build, or unset it to use the application's {CpuPackage} / {CudaPackage} package.");
        }
        catch
        {
            NativeLibrary.Free(handle);
            throw;
        }
    }

    /// <summary>The version a native library reports (OrtGetApiBase()-&gt;GetVersionString()), for example <c>1.32.0</c>.</summary>
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
    /// The ONNX Runtime C API version the managed assembly asks the native library for: its minor
    /// version (observed on 1.31.1 and 1.32.0; an older core answers "API version [N] is not available").
    /// </summary>
    internal static uint ManagedApiVersion => (uint)ManagedVersion.Minor;

    internal static Version ManagedVersion
    {
        get
        {
            var assembly = typeof(OrtEnv).Assembly;
            var text = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+', '-')[0];
            return System.Version.TryParse(text, out var v) ? v : assembly.GetName().Version ?? new Version(0, 0);
        }
    }

    /// <summary>ONNX Runtime's environment; a missing native library becomes an error that names the package to reference.</summary>
    private static OrtEnv OpenEnvironment()
    {
        try
        {
            return OrtEnv.Instance();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException
                                  || (e is TypeInitializationException && e.InnerException is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException))
        {
            throw new DllNotFoundException(MissingNativeMessage((e.InnerException ?? e).Message), e);
        }
    }

    /// <summary>The error for a process without a native ONNX Runtime: what failed, what was expected, which package to reference.</summary>
    /// <param name="loaderMessage">The runtime's message; only its first sentence is kept (.NET appends every path it tried).</param>
    internal static string MissingNativeMessage(string loaderMessage) =>
        $"DeepML: the native ONNX Runtime ({LibraryFileName}) could not be loaded ({loaderMessage.Split(". ")[0].Split('\n')[0].Trim().TrimEnd('.', ':')}). " +
        $"Expected the application to reference a native ONNX Runtime package: DeepML's libraries carry only the managed Microsoft.ML.OnnxRuntime.Managed {ManagedVersion.Major}.{ManagedVersion.Minor}.{ManagedVersion.Build}. " +
        $"Fix: add <PackageReference Include=\"{CpuPackage}\" Version=\"{ManagedVersion.Major}.{ManagedVersion.Minor}.{ManagedVersion.Build}\" /> to the application project to score on the CPU, " +
        $"or {CudaPackage} (Microsoft.ML.OnnxRuntime.Gpu on Windows) of the same version for CUDA; or set {DirectoryVariable} to a folder holding {LibraryFileName}.";

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
