using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace DeepML;

/// <summary>
/// Opens DeepML's ONNX Runtime API bridge (<c>libdeepml_ort_bridge.so</c>, built from
/// <c>deepml_ort_bridge.c</c> beside this file by <c>scripts/fetch-onnxruntime-cuda.sh</c>) so that
/// the managed Microsoft.ML.OnnxRuntime assembly can drive a native core one or two C API versions
/// older than itself: the one CUDA build of ONNX Runtime reachable here is a 1.29 core, while the
/// managed package is 1.31.
/// </summary>
/// <remarks>
/// ONNX Runtime's C API table only grows at the end, so the first entries of a newer table mean the
/// same as the older core's. The bridge answers the managed assembly's <c>GetApi(N)</c> with the
/// core's table plus stubs for the newer entries, each returning <c>ORT_NOT_IMPLEMENTED</c>. A
/// stub is only safe for an entry that returns <c>OrtStatus*</c>, so the bridge is refused unless
/// every newer entry the managed assembly reads is in <see cref="VerifiedNewerEntries"/>.
/// </remarks>
internal static class OrtApiBridge
{
    /// <summary>The bridge's file name, looked for beside the configured core.</summary>
    public const string FileName = "libdeepml_ort_bridge.so";

    /// <summary>
    /// OrtApi entries added after ONNX Runtime 1.29, each checked in onnxruntime_c_api.h to be an
    /// <c>ORT_API2_STATUS</c> function (returns <c>OrtStatus*</c>), with the release that added it.
    /// Neither is used by scoring: the first serves custom-op kernels, the second EP-context models.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> VerifiedNewerEntries = new Dictionary<string, string>
    {
        ["KernelContext_GetPreallocatedOutput"] = "1.30",
        ["SessionOptionsSetEpContextDataReadFunc"] = "1.31",
    };

    /// <summary>
    /// The C API table the managed assembly reads: its entry names in table order, from the layout
    /// of the assembly's internal <c>NativeMethods.OrtApi</c> struct; null when that type is not there.
    /// </summary>
    public static IReadOnlyList<string>? ManagedTable()
    {
        var type = typeof(OrtEnv).Assembly.GetType("Microsoft.ML.OnnxRuntime.OrtApi");
        if (type is null)
            return null;
        var fields = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        if (fields.Any(f => f.FieldType != typeof(IntPtr)) || Marshal.SizeOf(type) != fields.Length * IntPtr.Size)
            return null;
        return fields.OrderBy(f => Marshal.OffsetOf(type, f.Name).ToInt64()).Select(f => f.Name).ToArray();
    }

    /// <summary>The entries after the core's <paramref name="coreEntries"/> that are not in <see cref="VerifiedNewerEntries"/>.</summary>
    public static string[] UnverifiedNewerEntries(IReadOnlyList<string> table, int coreEntries) =>
        table.Skip(coreEntries).Where(n => !VerifiedNewerEntries.ContainsKey(n)).ToArray();

    /// <summary>
    /// Loads the bridge at <paramref name="bridgePath"/> over the core at <paramref name="corePath"/>
    /// for the managed assembly's C API version. Returns the handle to give the DllImport resolver
    /// and one line describing what was bridged.
    /// </summary>
    /// <exception cref="DllNotFoundException">The bridge cannot be loaded, was built for another core, or the managed assembly reads entries it has not verified.</exception>
    public static (IntPtr Handle, string Description) Open(string bridgePath, string corePath, string coreVersion, uint managedApiVersion)
    {
        var managed = OnnxRuntimeNative.ManagedVersion;
        string Fail(string what) =>
            $"OnnxRuntimeNative: the native ONNX Runtime {coreVersion} at '{corePath}' (from {OnnxRuntimeNative.DirectoryVariable}) offers an older C API than the managed Microsoft.ML.OnnxRuntime {managed} assembly needs ({managedApiVersion}), " +
            $"and DeepML's API bridge '{bridgePath}' cannot stand in: {what}";

        if (!NativeLibrary.TryLoad(bridgePath, out var handle))
            throw new DllNotFoundException(Fail($"the file cannot be loaded. Expected a {RuntimeInformation.RuntimeIdentifier} build; run scripts/fetch-onnxruntime-cuda.sh again to rebuild it."));
        var coreApi = Export<UIntFn>(handle, "DeepMLOrtBridge_CoreApiVersion")();
        var coreEntries = (int)Export<UIntFn>(handle, "DeepMLOrtBridge_CoreEntries")();

        var table = ManagedTable()
            ?? throw new DllNotFoundException(Fail($"the layout of the managed C API table (the internal struct Microsoft.ML.OnnxRuntime.OrtApi) cannot be read from Microsoft.ML.OnnxRuntime {managed}. Expected a native ONNX Runtime ≥ {managed.Major}.{managed.Minor} instead."));
        if (table.Count < coreEntries)
            throw new DllNotFoundException(Fail($"the bridge was built for C API {coreApi} ({coreEntries} entries), newer than the managed table ({table.Count} entries). Rebuild it with scripts/fetch-onnxruntime-cuda.sh."));
        var newer = table.Skip(coreEntries).ToArray();
        var unverified = UnverifiedNewerEntries(table, coreEntries);
        if (unverified.Length > 0)
            throw new DllNotFoundException(Fail(
                $"the managed assembly reads {unverified.Length} newer C API entr{(unverified.Length == 1 ? "y" : "ies")} that DeepML has not verified can be stubbed ({string.Join(", ", unverified)}). " +
                $"Expected a native ONNX Runtime ≥ {managed.Major}.{managed.Minor}, or a Microsoft.ML.OnnxRuntime.Managed no newer than {coreVersion}."));

        if (Export<OpenFn>(handle, "DeepMLOrtBridge_Open")(corePath, managedApiVersion, (uint)table.Count) != 0)
        {
            var reason = Marshal.PtrToStringUTF8(Export<PtrFn>(handle, "DeepMLOrtBridge_LastError")()) ?? "unknown";
            throw new DllNotFoundException(Fail($"{reason}."));
        }
        var description = newer.Length == 0
            ? $"through DeepML's API bridge (managed C API {managedApiVersion} on native C API {coreApi})"
            : $"through DeepML's API bridge (managed C API {managedApiVersion} on native C API {coreApi}; {string.Join(", ", newer)} answer ORT_NOT_IMPLEMENTED)";
        return (handle, description);
    }

    private static T Export<T>(IntPtr handle, string name) where T : Delegate =>
        NativeLibrary.TryGetExport(handle, name, out var address)
            ? Marshal.GetDelegateForFunctionPointer<T>(address)
            : throw new DllNotFoundException($"OnnxRuntimeNative: DeepML's API bridge has no '{name}': it is not a DeepML bridge or is out of date. Run scripts/fetch-onnxruntime-cuda.sh again to rebuild it.");

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate uint UIntFn();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr PtrFn();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int OpenFn([MarshalAs(UnmanagedType.LPUTF8Str)] string corePath, uint version, uint entries);
}
