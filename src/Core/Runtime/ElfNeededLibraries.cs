using System.Buffers.Binary;
using System.Text;

namespace DeepML;

/// <summary>
/// Reads the <c>DT_NEEDED</c> entries (the shared libraries a library asks the dynamic loader for) of an
/// ELF64 little-endian object, the way <c>readelf -d</c> lists them. Reads only the ELF header, the section
/// headers, the dynamic section and its string table, so a 300 MB provider library costs a few kilobytes.
/// </summary>
/// <remarks>
/// Used to name the first CUDA library the loader cannot find when ONNX Runtime's CUDA provider fails to
/// load (ONNX Runtime's own exception does not name it), and by DeepML.Estimators for libtorch.
/// Pure managed code; it never modifies a file.
/// </remarks>
public static class ElfNeededLibraries
{
    private const uint ShtDynamic = 6;
    private const long DtNull = 0, DtNeeded = 1;

    /// <summary>The libraries <paramref name="path"/> needs, in the order its dynamic section lists them.</summary>
    /// <param name="path">An ELF shared object, for example <c>libonnxruntime_providers_cuda.so</c>.</param>
    /// <returns>The <c>DT_NEEDED</c> names, for example <c>libcublasLt.so.13</c>; empty when the object has no dynamic section.</returns>
    /// <exception cref="InvalidDataException">The file is not an ELF64 little-endian object, or is truncated.</exception>
    public static IReadOnlyList<string> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>The libraries the ELF object in <paramref name="stream"/> needs, in order.</summary>
    /// <param name="stream">A seekable stream positioned anywhere; it is read, not closed.</param>
    /// <param name="name">Names the object in error messages.</param>
    /// <exception cref="InvalidDataException">The bytes are not an ELF64 little-endian object, or are truncated.</exception>
    public static IReadOnlyList<string> Read(Stream stream, string name = "<stream>")
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
            throw new ArgumentException($"ElfNeededLibraries: the stream for '{name}' cannot seek. Expected a seekable stream (a file or memory stream). Copy it into a MemoryStream first.", nameof(stream));
        var header = ReadAt(stream, 0, 64, name);
        if (header[0] != 0x7f || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F')
            throw Error(name, "is not an ELF file (no \\x7fELF magic)", "an ELF shared object (.so)", "pass the path of the native library itself, not a linker script");
        if (header[4] != 2 || header[5] != 1)
            throw Error(name, $"is an ELF file of class {header[4]}, data encoding {header[5]}", "a 64-bit little-endian (ELFCLASS64, ELFDATA2LSB) object", "use the linux-x64 build of the library");
        var sectionHeaders = (long)BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(40));
        var entrySize = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(58));
        var count = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(60));
        if (sectionHeaders == 0 || count == 0)
            return [];
        if (entrySize != 64)
            throw Error(name, $"has section header size {entrySize}", "64-byte ELF64 section headers", "check that the file is not corrupted");
        var table = ReadAt(stream, sectionHeaders, count * 64L, name);
        for (var i = 0; i < count; i++)
        {
            var h = table.AsSpan(i * 64, 64);
            if (BinaryPrimitives.ReadUInt32LittleEndian(h[4..]) != ShtDynamic)
                continue;
            var link = BinaryPrimitives.ReadUInt32LittleEndian(h[40..]);
            if (link >= count)
                throw Error(name, $"has a dynamic section linked to missing section {link}", "a valid string-table link", "check that the file is not corrupted");
            var dynamic = ReadAt(stream, (long)BinaryPrimitives.ReadUInt64LittleEndian(h[24..]), (long)BinaryPrimitives.ReadUInt64LittleEndian(h[32..]), name);
            var strings = table.AsSpan((int)link * 64, 64);
            var strtab = ReadAt(stream, (long)BinaryPrimitives.ReadUInt64LittleEndian(strings[24..]), (long)BinaryPrimitives.ReadUInt64LittleEndian(strings[32..]), name);
            return Needed(dynamic, strtab, name);
        }
        return [];
    }

    private static List<string> Needed(byte[] dynamic, byte[] strtab, string name)
    {
        var result = new List<string>();
        for (var pos = 0; pos + 16 <= dynamic.Length; pos += 16)
        {
            var tag = BinaryPrimitives.ReadInt64LittleEndian(dynamic.AsSpan(pos));
            if (tag == DtNull)
                break;
            if (tag != DtNeeded)
                continue;
            var offset = BinaryPrimitives.ReadUInt64LittleEndian(dynamic.AsSpan(pos + 8));
            if (offset >= (ulong)strtab.Length)
                throw Error(name, $"has a string offset {offset} past its string table ({strtab.Length} bytes)", "offsets inside .dynstr", "check that the file is not corrupted");
            var end = Array.IndexOf(strtab, (byte)0, (int)offset);
            if (end < 0)
                throw Error(name, "has an unterminated string", "NUL-terminated strings", "check that the file is not corrupted");
            result.Add(Encoding.UTF8.GetString(strtab, (int)offset, end - (int)offset));
        }
        return result;
    }

    private static byte[] ReadAt(Stream stream, long offset, long length, string name)
    {
        if (offset < 0 || length < 0 || length > int.MaxValue || offset + length > stream.Length)
            throw Error(name, $"is truncated: needs bytes {offset}..{offset + length} but has {stream.Length}", "a complete ELF file", "re-restore the package or re-copy the file");
        var buffer = new byte[length];
        stream.Position = offset;
        stream.ReadExactly(buffer);
        return buffer;
    }

    private static InvalidDataException Error(string name, string what, string expected, string fix) =>
        new($"ElfNeededLibraries: '{name}' {what}; expected {expected}. Fix: {fix}.");
}
