using System.Runtime.InteropServices;

namespace DeepML.Service.Benchmarks;

/// <summary>
/// glibc's malloc keeps freed memory for reuse (arenas, a raised mmap threshold after large frees), so
/// RSS after a burst of large allocations says little about what is still live. <c>malloc_trim(0)</c>
/// hands the free pages back first, so that the RSS measured after it is memory really in use.
/// </summary>
internal static class NativeMemory
{
    public static void Trim()
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            _ = MallocTrim(0);
        }
        catch (DllNotFoundException)
        {
            // Not glibc (for example musl): nothing to trim.
        }
        catch (EntryPointNotFoundException)
        {
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
