using System.Buffers.Binary;
using System.Text;
using Xunit;

namespace DeepML.Core.Tests.Runtime;

/// <summary>The DT_NEEDED reader and the dependency probe on hand-built ELF objects (the real provider library: OnnxRuntimePackageTests).</summary>
public sealed class ElfNeededLibrariesTests
{
    [Fact]
    public void Read_ListsTheNeededEntries_InOrder()
    {
        var elf = SyntheticElf(["libfirst.so.1", "libc.so.6", "libthird.so"]);
        Assert.Equal(["libfirst.so.1", "libc.so.6", "libthird.so"], ElfNeededLibraries.Read(new MemoryStream(elf)));
        Assert.Empty(ElfNeededLibraries.Read(new MemoryStream(SyntheticElf([]))));
    }

    [Fact]
    public void Read_RefusesWhatIsNotAnElfObject()
    {
        var text = Encoding.ASCII.GetBytes("INPUT(libfoo.so.1) /* a linker script, not a library */".PadRight(80));
        var e = Assert.Throws<InvalidDataException>(() => ElfNeededLibraries.Read(new MemoryStream(text), "libfoo.so"));
        Assert.Equal("ElfNeededLibraries: 'libfoo.so' is not an ELF file (no \\x7fELF magic); expected an ELF shared object (.so). Fix: pass the path of the native library itself, not a linker script.", e.Message);

        var truncated = SyntheticElf(["liba.so"])[..100];
        var t = Assert.Throws<InvalidDataException>(() => ElfNeededLibraries.Read(new MemoryStream(truncated), "liba.so"));
        // header 64 + .dynstr 9 + .dynamic 32 bytes: the section headers start at 105 and take 3 x 64.
        Assert.Equal("ElfNeededLibraries: 'liba.so' is truncated: needs bytes 105..297 but has 100; expected a complete ELF file. Fix: re-restore the package or re-copy the file.", t.Message);
    }

    [Fact]
    public void Probe_NamesTheFirstMissingLibrary_FollowingOnesTheLoaderRefuses()
    {
        var folder = Directory.CreateTempSubdirectory("deepml-elf-");
        try
        {
            // provider -> libc.so.6 (loads) -> libdeepml-outer.so (beside it, but not loadable: it needs a missing library).
            File.WriteAllBytes(Path.Combine(folder.FullName, "libdeepml-outer.so"), SyntheticElf(["libc.so.6", "libdeepml-absent-inner.so.13"]));
            var provider = Path.Combine(folder.FullName, "libprovider.so");
            File.WriteAllBytes(provider, SyntheticElf(["libc.so.6", "libdeepml-outer.so", "libdeepml-absent-later.so"]));

            var chain = NativeDependencyProbe.FirstUnresolvable(provider);
            Assert.Equal(["libdeepml-outer.so", "libdeepml-absent-inner.so.13"], chain);
            Assert.Equal("libdeepml-absent-inner.so.13 (needed by libdeepml-outer.so)", NativeDependencyProbe.Describe(chain));

            File.WriteAllBytes(provider, SyntheticElf(["libc.so.6", "libm.so.6"]));
            Assert.Empty(NativeDependencyProbe.FirstUnresolvable(provider));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void ProviderFailed_WithTheProbedLibrary_NamesItAndTheFix()
    {
        var folder = Directory.CreateTempSubdirectory("deepml-elf-");
        try
        {
            var provider = Path.Combine(folder.FullName, "libonnxruntime_providers_cuda.so");
            File.WriteAllBytes(provider, SyntheticElf(["libdeepml-absent-cublasLt.so.13", "libc.so.6"]));
            const string ort = "[ErrorCode:Fail] Failed to load shared library";
            var e = OrtSessionFactory.ProviderFailed("cuda:0 was requested", 0, ort, new InvalidOperationException(ort), provider);
            Assert.Equal(["libdeepml-absent-cublasLt.so.13"], e.Missing);
            Assert.Equal(
                "DeepML: cuda:0 was requested, but ONNX Runtime could not create the CUDA execution provider: libonnxruntime_providers_cuda.so needs libdeepml-absent-cublasLt.so.13, which the loader cannot find. " +
                "ONNX Runtime said: [ErrorCode:Fail] Failed to load shared library Expected the CUDA 13 libraries the provider was built for (CUDA runtime, cuBLAS/cuBLASLt, cuRAND, cuDNN 9) on the loader path. " +
                "Fix: put their folders on LD_LIBRARY_PATH before starting the process, for example a PyTorch cu130 installation's site-packages/nvidia/*/lib folders; or set FallbackToCpu = true.",
                e.Message);

            File.WriteAllBytes(provider, SyntheticElf(["libc.so.6", "libdeepml-absent-driver.so.1"]));
            var driver = OrtSessionFactory.ProviderFailed("cuda:0 was requested", 0, ort, new InvalidOperationException(ort), provider);
            Assert.Equal(["libdeepml-absent-driver.so.1"], driver.Missing);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>
    /// A minimal ELF64 little-endian object: header, a .dynstr and a .dynamic section (DT_NEEDED entries,
    /// then DT_NULL), and their section headers. Enough for readelf -d; no loader will map it.
    /// </summary>
    internal static byte[] SyntheticElf(IReadOnlyList<string> needed)
    {
        var strtab = new List<byte> { 0 };
        var offsets = new List<int>();
        foreach (var name in needed)
        {
            offsets.Add(strtab.Count);
            strtab.AddRange(Encoding.UTF8.GetBytes(name));
            strtab.Add(0);
        }
        var dynamic = new byte[(needed.Count + 1) * 16];
        for (var i = 0; i < needed.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(dynamic.AsSpan(i * 16), 1);             // DT_NEEDED
            BinaryPrimitives.WriteInt64LittleEndian(dynamic.AsSpan((i * 16) + 8), offsets[i]);
        }
        long strOffset = 64, dynOffset = strOffset + strtab.Count, shOffset = dynOffset + dynamic.Length;
        var elf = new byte[shOffset + (3 * 64)];
        elf[0] = 0x7f; elf[1] = (byte)'E'; elf[2] = (byte)'L'; elf[3] = (byte)'F'; elf[4] = 2; elf[5] = 1; elf[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(16), 3);                        // ET_DYN
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(18), 62);                       // EM_X86_64
        BinaryPrimitives.WriteInt64LittleEndian(elf.AsSpan(40), shOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(52), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(58), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(60), 3);
        strtab.ToArray().CopyTo(elf, strOffset);
        dynamic.CopyTo(elf, dynOffset);
        void Section(int index, uint type, long offset, long size, uint link)
        {
            var h = elf.AsSpan((int)(shOffset + (index * 64)), 64);
            BinaryPrimitives.WriteUInt32LittleEndian(h[4..], type);
            BinaryPrimitives.WriteInt64LittleEndian(h[24..], offset);
            BinaryPrimitives.WriteInt64LittleEndian(h[32..], size);
            BinaryPrimitives.WriteUInt32LittleEndian(h[40..], link);
        }
        Section(1, 3, strOffset, strtab.Count, 0);        // SHT_STRTAB
        Section(2, 6, dynOffset, dynamic.Length, 1);      // SHT_DYNAMIC, linked to .dynstr
        return elf;
    }
}
