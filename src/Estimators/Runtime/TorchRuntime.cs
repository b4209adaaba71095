using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// Loads TorchSharp's native runtime so that it works on the hosts DeepML supports, and says what it did.
/// DeepML trainers call <see cref="EnsureLoaded"/> before their first torch call; applications may call it
/// earlier to route the message to their own log.
/// </summary>
/// <remarks>
/// <para>On Linux x64 it (1) picks the libtorch folder: <c>DEEPML_LIBTORCH_DIR</c>, else <c>TORCH_LIB</c>
/// (for example a PyTorch install's <c>torch/lib</c> holding a CUDA libtorch), else the application folder;
/// (2) loads the libtorch libraries that <c>libLibTorchSharp.so</c> needs from that folder by full path;
/// (3) compares the symbol versions <c>libLibTorchSharp.so</c> needs with those the process's libstdc++
/// defines. TorchSharp 0.107.0 needs <c>GLIBCXX_3.4.32</c> only for the link-time marker
/// <c>std::ios_base_library_init()</c>; where the host lacks it (Debian 12, Ubuntu 22.04, RHEL 9) a copy with
/// that requirement marked weak is written to the per-user cache
/// (<c>$DEEPML_NATIVE_CACHE</c>, else <c>$XDG_CACHE_HOME/deepml/native</c>, default <c>~/.cache/deepml/native</c>),
/// atomically, and reused by later processes. The NuGet cache and the application folder are never written.
/// (4) It loads the chosen library and registers a DLL-import resolver on the TorchSharp assembly that returns it.</para>
/// <para>On hosts whose libstdc++ already defines every needed version nothing is patched. On other
/// operating systems DeepML leaves loading to TorchSharp. The call is idempotent and thread-safe.</para>
/// </remarks>
public static partial class TorchRuntime
{
    /// <summary>Symbols known to be link-time markers that no relocation references, so their version may be weak.</summary>
    private static readonly HashSet<string> SafeMarkerSymbols = new(StringComparer.Ordinal) { "_ZSt21ios_base_library_initv" };

    private static readonly object Gate = new();
    private static TorchRuntimeInfo? _info;
    private static IntPtr _libTorchSharpHandle;

    /// <summary>The result of the first successful <see cref="EnsureLoaded"/>, or null before it.</summary>
    public static TorchRuntimeInfo? Info => Volatile.Read(ref _info);

    /// <summary>
    /// Makes sure TorchSharp's native runtime is loaded (patching a copy of <c>libLibTorchSharp.so</c> where the
    /// host's libstdc++ is too old) and returns what was loaded. Later calls return the same result.
    /// </summary>
    /// <param name="log">Receives one line per step, for example <c>msg =&gt; channel.Info(msg)</c>; may be null.</param>
    /// <returns>What was loaded from where, and whether CUDA is available.</returns>
    /// <exception cref="DllNotFoundException">No native libtorch or <c>libLibTorchSharp.so</c> was found, or it failed to load; the message says which package to reference.</exception>
    /// <exception cref="IOException">The patched copy could not be written to the cache.</exception>
    public static TorchRuntimeInfo EnsureLoaded(Action<string>? log = null)
    {
        if (Volatile.Read(ref _info) is { } done)
        {
            log?.Invoke($"TorchRuntime: already loaded. {done}");
            return done;
        }
        lock (Gate)
        {
            if (_info is { } again)
            {
                log?.Invoke($"TorchRuntime: already loaded. {again}");
                return again;
            }
            var messages = new List<string>();
            void Log(string message)
            {
                messages.Add(message);
                log?.Invoke(message);
            }
            var info = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && RuntimeInformation.ProcessArchitecture == Architecture.X64
                ? LoadLinux(Log, messages)
                : LoadDefault(Log, messages);
            Log(info.ToString());
            Volatile.Write(ref _info, info);
            return info;
        }
    }

    private static TorchRuntimeInfo LoadDefault(Action<string> log, List<string> messages)
    {
        log($"TorchRuntime: {RuntimeInformation.RuntimeIdentifier} is not linux-x64; leaving native loading to TorchSharp (no patching).");
        InitializeDeviceType(DeviceType.CPU);
        var (cuda, count) = QueryCuda();
        return new TorchRuntimeInfo(null, null, NativePatchStatus.NotApplicable, Array.Empty<string>(), null, null, null,
            cuda, count, __version__, messages);
    }

    private static TorchRuntimeInfo LoadLinux(Action<string> log, List<string> messages)
    {
        var appFolders = NativeLibraryLocator.ApplicationFolders();
        var (folder, source) = NativeLibraryLocator.ResolveLibTorchFolder(
            Environment.GetEnvironmentVariable(NativeLibraryLocator.LibTorchDirVariable),
            Environment.GetEnvironmentVariable(NativeLibraryLocator.TorchLibVariable), appFolders);
        log($"TorchRuntime: libtorch folder {folder} (from {source}).");
        var original = NativeLibraryLocator.FindLibTorchSharp(folder, appFolders);
        var elf = ElfVersionPatcher.Load(original);
        PreloadLibTorch(elf, folder, log);

        var missing = MissingVersions(elf, log);
        string path = original, status = "original";
        string? cachePath = null;
        var patchStatus = NativePatchStatus.NotNeeded;
        if (missing.Count == 0)
        {
            log($"TorchRuntime: the host's libraries define every symbol version {original} needs; loading it unchanged (no patch).");
        }
        else
        {
            CheckSafeToWeaken(elf, original, missing);
            var sha = PatchedLibraryCache.Sha256Hex(elf.Data);
            var patched = elf.MarkWeak(missing);
            (string Path, bool Reused) Store(string root) => PatchedLibraryCache.Store(root, sha, NativeLibraryLocator.LibTorchSharpFile, patched);
            (string Path, bool Reused) result;
            try
            {
                result = Store(PatchedLibraryCache.Root());
            }
            catch (IOException e) when (!PatchedLibraryCache.IsConfigured)
            {
                // The default per-user cache is not writable (read-only home, sandbox): use the temporary folder, and say so.
                log($"TorchRuntime: {e.Message} Using {PatchedLibraryCache.FallbackRoot()} instead; set {PatchedLibraryCache.CacheVariable} to choose the folder.");
                result = Store(PatchedLibraryCache.FallbackRoot());
            }
            var (stored, reused) = result;
            path = cachePath = stored;
            patchStatus = reused ? NativePatchStatus.Reused : NativePatchStatus.Created;
            status = reused ? "reused patched copy" : "created patched copy";
            log($"TorchRuntime: the host lacks {string.Join(", ", missing)} needed by {original}; {status} {stored} " +
                "with those requirements marked weak (the original is untouched).");
        }

        LoadAndRegister(path, log);
        InitializeDeviceType(DeviceType.CPU);
        VerifyMapped(path, original, log);
        var (cuda, count) = QueryCuda();
        return new TorchRuntimeInfo(path, original, patchStatus, missing, cachePath, folder, source, cuda, count, __version__, messages);
    }

    /// <summary>Loads, by full path, the DT_NEEDED libraries of libLibTorchSharp found in the libtorch folder (and libtorch_cuda).</summary>
    private static void PreloadLibTorch(ElfVersionPatcher elf, string folder, Action<string> log)
    {
        var names = elf.GetNeededLibraries().Append("libtorch_cuda.so");
        foreach (var name in names)
        {
            var full = Path.Combine(folder, name);
            if (!File.Exists(full)) continue;
            if (!NativeLibrary.TryLoad(full, out _))
            {
                try { NativeLibrary.Load(full); }
                catch (DllNotFoundException ex)
                {
                    throw new DllNotFoundException(
                        $"TorchRuntime: could not load {full}: {ex.Message}. Expected a libtorch matching TorchSharp " +
                        $"(libtorch {__version__}). Fix: use the {NativeLibraryLocator.CpuPackage} {NativeLibraryLocator.CpuPackageVersion} " +
                        $"package or point {NativeLibraryLocator.LibTorchDirVariable} at a compatible libtorch folder.", ex);
                }
            }
            log($"TorchRuntime: loaded {full}.");
        }
    }

    /// <summary>Needed, non-weak versions that the library the process actually uses for that file does not define.</summary>
    private static List<string> MissingVersions(ElfVersionPatcher elf, Action<string> log)
    {
        var missing = new List<string>();
        foreach (var group in elf.GetVersionNeeds().GroupBy(n => n.File))
        {
            var provider = NativeLibraryLocator.FindLoadedLibrary(group.Key);
            if (provider is null)
            {
                log($"TorchRuntime: could not locate {group.Key} to check its symbol versions; leaving it to the loader.");
                continue;
            }
            var defined = ElfVersionPatcher.Load(provider).GetVersionDefinitions();
            var lacking = group.Where(n => !n.IsWeak && !defined.Contains(n.Name)).Select(n => n.Name).ToList();
            log($"TorchRuntime: {provider} provides {group.Count() - lacking.Count} of the {group.Count()} versions needed from {group.Key}" +
                (lacking.Count > 0 ? $"; missing {string.Join(", ", lacking)}." : "."));
            missing.AddRange(lacking);
        }
        return missing;
    }

    private static void CheckSafeToWeaken(ElfVersionPatcher elf, string original, List<string> missing)
    {
        foreach (var version in missing)
        {
            var unsafeSymbols = elf.UndefinedSymbolsBoundTo(version).Where(s => !SafeMarkerSymbols.Contains(s)).ToList();
            if (unsafeSymbols.Count > 0)
                throw new DllNotFoundException(
                    $"TorchRuntime: {original} needs {version}, which this host's libraries do not define, and uses real " +
                    $"symbols of it ({string.Join(", ", unsafeSymbols.Take(5))}). Expected only link-time markers, which DeepML can " +
                    "mark weak. Fix: run on a host with a newer libstdc++/glibc (GCC 13+, for example Ubuntu 24.04 or Debian 13) " +
                    "or install a newer libstdc++.so.6 and put it on LD_LIBRARY_PATH.");
        }
    }

    private static void LoadAndRegister(string path, Action<string> log)
    {
        try
        {
            _libTorchSharpHandle = NativeLibrary.Load(path);
        }
        catch (DllNotFoundException ex)
        {
            throw new DllNotFoundException(
                $"TorchRuntime: could not load {path}: {ex.Message}. Expected it to load after its libtorch dependencies. " +
                $"Fix: check that libtorch {__version__} ({NativeLibraryLocator.CpuPackage} {NativeLibraryLocator.CpuPackageVersion}) " +
                $"or the folder in {NativeLibraryLocator.LibTorchDirVariable} matches TorchSharp.", ex);
        }
        log($"TorchRuntime: loaded {path}.");
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(torch).Assembly, ResolveTorchSharpImport);
            log("TorchRuntime: TorchSharp's [DllImport(\"LibTorchSharp\")] now resolves to that handle.");
        }
        catch (InvalidOperationException)
        {
            log("TorchRuntime: TorchSharp already has a DLL-import resolver; relying on the loader matching the SONAME " +
                "libLibTorchSharp.so of the library just loaded.");
        }
    }

    private static int _resolverHits;

    /// <summary>How many TorchSharp DLL imports the resolver answered with the chosen library (diagnostics, tests).</summary>
    internal static int ResolverHits => Volatile.Read(ref _resolverHits);

    private static IntPtr ResolveTorchSharpImport(string name, System.Reflection.Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name is not ("LibTorchSharp" or "libLibTorchSharp" or NativeLibraryLocator.LibTorchSharpFile)) return IntPtr.Zero;
        Interlocked.Increment(ref _resolverHits);
        return _libTorchSharpHandle;
    }

    /// <summary>Checks /proc/self/maps: the chosen file is mapped and, when a copy was used, the original is not.</summary>
    private static void VerifyMapped(string path, string original, Action<string> log)
    {
        var maps = MappedFiles();
        if (maps.Count == 0) return;
        if (!maps.Contains(Path.GetFullPath(path)))
            throw new DllNotFoundException($"TorchRuntime: {path} was loaded but is not mapped into the process after TorchSharp " +
                "initialised. Expected TorchSharp to use it. Fix: report this with the log lines above.");
        if (path != original && maps.Contains(original))
            throw new DllNotFoundException($"TorchRuntime: TorchSharp also mapped the unpatched {original}. Expected only the " +
                $"patched copy {path}. Fix: report this with the log lines above.");
        log($"TorchRuntime: verified that TorchSharp runs on {path} (process maps).");
    }

    internal static HashSet<string> MappedFiles()
    {
        var files = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
                if (line.IndexOf('/') is var slash and >= 0)
                    files.Add(line[slash..].Trim().Replace(" (deleted)", string.Empty, StringComparison.Ordinal)); // replaced by a concurrent writer
        }
        catch (IOException)
        {
            // No /proc: verification is skipped.
        }
        return files;
    }

    private static (bool Available, int Count) QueryCuda()
    {
        bool available = cuda.is_available();
        return (available, available ? cuda.device_count() : 0);
    }
}
