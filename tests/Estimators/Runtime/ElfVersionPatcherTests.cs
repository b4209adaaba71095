using System.Buffers.Binary;
using Xunit;

namespace DeepML.Estimators.Tests.Runtime;

public class ElfVersionPatcherTests
{
    private static byte[] LibTorchSharpBytes() => File.ReadAllBytes(NativeTestPaths.NuGetLibTorchSharp);

    [Fact]
    public void ListsTheVersionNeedsOfLibTorchSharp()
    {
        var needs = ElfVersionPatcher.Parse(LibTorchSharpBytes()).GetVersionNeeds();

        // readelf -V: ld-linux 1, libm 1, libgcc_s 1, libc 5, libstdc++ 20 entries.
        Assert.Equal(28, needs.Count);
        Assert.Equal(20, needs.Count(n => n.File == "libstdc++.so.6"));
        var marker = Assert.Single(needs, n => n.Name == "GLIBCXX_3.4.32");
        Assert.Equal("libstdc++.so.6", marker.File);
        Assert.Equal((ushort)0, marker.Flags);
        Assert.Equal((ushort)18, marker.Index);
        Assert.All(needs, n => Assert.False(n.IsWeak));
        Assert.Contains(needs, n => n is { File: "libc.so.6", Name: "GLIBC_2.34" });
    }

    [Fact]
    public void OnlyTheIosBaseMarkerIsBoundToGlibcxx3432()
    {
        var elf = ElfVersionPatcher.Parse(LibTorchSharpBytes());

        Assert.Equal(new[] { "_ZSt21ios_base_library_initv" }, elf.UndefinedSymbolsBoundTo("GLIBCXX_3.4.32"));
        Assert.True(elf.UndefinedSymbolsBoundTo("GLIBCXX_3.4.30").Count > 0);
        Assert.Equal(new[] { "libtorch.so", "libc10.so", "libtorch_cpu.so", "libstdc++.so.6" }, elf.GetNeededLibraries().Take(4));
    }

    [Fact]
    public void MarkWeakChangesExactlyTheFlagsOfTheNamedEntry()
    {
        var original = LibTorchSharpBytes();
        var pristine = (byte[])original.Clone();
        var elf = ElfVersionPatcher.Parse(original);
        var before = elf.GetVersionNeeds().Single(n => n.Name == "GLIBCXX_3.4.32");

        var patched = elf.MarkWeak(new[] { "GLIBCXX_3.4.32" });

        Assert.Equal(pristine, original); // input untouched
        Assert.Equal(original.Length, patched.Length);
        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        Assert.Equal(new[] { (int)before.FlagsOffset }, changed);
        Assert.Equal((ushort)0x0002, BinaryPrimitives.ReadUInt16LittleEndian(patched.AsSpan((int)before.FlagsOffset)));
        var after = ElfVersionPatcher.Parse(patched).GetVersionNeeds();
        Assert.Equal((ushort)ElfVersionPatcher.VerFlagWeak, after.Single(n => n.Name == "GLIBCXX_3.4.32").Flags);
        Assert.All(after.Where(n => n.Name != "GLIBCXX_3.4.32"), n => Assert.Equal((ushort)0, n.Flags));
    }

    [Fact]
    public void MarkWeakRejectsAVersionTheObjectDoesNotNeed()
    {
        var elf = ElfVersionPatcher.Parse(LibTorchSharpBytes(), "lib.so");

        var ex = Assert.Throws<ArgumentException>(() => elf.MarkWeak(new[] { "GLIBCXX_9.9" }));
        Assert.Contains("does not need version 'GLIBCXX_9.9'", ex.Message);
        Assert.Contains("GLIBCXX_3.4.32", ex.Message);
    }

    [Fact]
    public void ReadsTheSystemLibstdcxxDefinitionsAndPatchesItsNeeds()
    {
        var path = NativeLibraryLocator.FindLoadedLibrary("libstdc++.so.6");
        Assert.True(path is not null && File.Exists(path), $"libstdc++.so.6 should be mapped into the test process from an existing file, got '{path}'.");
        var elf = ElfVersionPatcher.Load(path!);

        var defined = elf.GetVersionDefinitions();
        Assert.Contains("GLIBCXX_3.4", defined);
        Assert.Contains("GLIBCXX_3.4.30", defined);
        Assert.Contains("CXXABI_1.3", defined);

        var need = elf.GetVersionNeeds().First(n => n.File == "libc.so.6");
        var patched = elf.MarkWeak(new[] { need.Name });
        var after = ElfVersionPatcher.Parse(patched).GetVersionNeeds();
        Assert.All(after.Where(n => n.Name == need.Name), n => Assert.True(n.IsWeak));
        var changed = Enumerable.Range(0, patched.Length).Count(i => patched[i] != elf.Data[i]);
        Assert.Equal(elf.GetVersionNeeds().Count(n => n.Name == need.Name && !n.IsWeak), changed);
    }

    [Fact]
    public void RejectsANonElfFile()
    {
        var ex = Assert.Throws<InvalidDataException>(() => ElfVersionPatcher.Parse(new byte[100], "notes.txt"));
        Assert.Contains("'notes.txt' is not an ELF file", ex.Message);
        Assert.Contains("Fix:", ex.Message);
    }

    [Fact]
    public void RejectsA32BitElfFile()
    {
        var bytes = MinimalElf64();
        bytes[4] = 1; // ELFCLASS32
        var ex = Assert.Throws<InvalidDataException>(() => ElfVersionPatcher.Parse(bytes, "x86.so"));
        Assert.Contains("32-bit (ELFCLASS32)", ex.Message);
        Assert.Contains("64-bit", ex.Message);
    }

    [Fact]
    public void RejectsATruncatedFile()
    {
        var bytes = LibTorchSharpBytes().AsSpan(0, 4096).ToArray();
        var ex = Assert.Throws<InvalidDataException>(() => ElfVersionPatcher.Parse(bytes, "cut.so"));
        Assert.Contains("is truncated", ex.Message);
    }

    [Fact]
    public void ReportsAMissingVersionNeedsSection()
    {
        var elf = ElfVersionPatcher.Parse(MinimalElf64(), "bare.so");

        Assert.Empty(elf.GetVersionDefinitions());
        Assert.Empty(elf.GetNeededLibraries());
        var ex = Assert.Throws<InvalidDataException>(() => elf.GetVersionNeeds());
        Assert.Contains("has no .gnu.version_r", ex.Message);
    }

    /// <summary>An ELF64 LE header followed by one (null) section header: valid, but without any versioning.</summary>
    private static byte[] MinimalElf64()
    {
        var b = new byte[128];
        b[0] = 0x7f; b[1] = (byte)'E'; b[2] = (byte)'L'; b[3] = (byte)'F';
        b[4] = 2; b[5] = 1; b[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(16), 3);   // ET_DYN
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(18), 62);  // EM_X86_64
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(40), 64);  // e_shoff
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(52), 64);  // e_ehsize
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(58), 64);  // e_shentsize
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(60), 1);   // e_shnum
        return b;
    }
}
