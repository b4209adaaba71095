using System.Buffers.Binary;
using System.Text;

namespace DeepML;

/// <summary>One <c>Vernaux</c> entry of <c>.gnu.version_r</c>: a symbol version a shared object needs from a file.</summary>
/// <param name="File">The library the version is needed from, for example <c>libstdc++.so.6</c>.</param>
/// <param name="Name">The version name, for example <c>GLIBCXX_3.4.32</c>.</param>
/// <param name="Flags">The <c>vna_flags</c> field (0x2 = <c>VER_FLG_WEAK</c>).</param>
/// <param name="Index">The version index (<c>vna_other</c>) that <c>.gnu.version</c> uses for it.</param>
/// <param name="FlagsOffset">File offset of the two-byte <c>vna_flags</c> field.</param>
internal sealed record ElfVersionNeed(string File, string Name, ushort Flags, ushort Index, long FlagsOffset)
{
    /// <summary>Whether the entry is marked weak, so the dynamic loader tolerates its absence.</summary>
    public bool IsWeak => (Flags & ElfVersionPatcher.VerFlagWeak) != 0;
}

/// <summary>
/// Reads the symbol-versioning tables of an ELF64 little-endian shared object and marks needed versions
/// weak in a copy of its bytes. Pure managed code: it never modifies a file, it returns new bytes.
/// </summary>
/// <remarks>
/// Marking a <c>Vernaux</c> entry weak (<c>vna_flags |= VER_FLG_WEAK</c>) makes glibc's loader accept a
/// dependency that does not define that version; it is safe only when no relocation uses a symbol bound
/// to the version (see <see cref="UndefinedSymbolsBoundTo"/>).
/// </remarks>
internal sealed class ElfVersionPatcher
{
    /// <summary>The <c>VER_FLG_WEAK</c> bit of <c>vna_flags</c>.</summary>
    public const ushort VerFlagWeak = 0x2;

    private const uint ShtDynamic = 6, ShtDynsym = 11, ShtVerdef = 0x6ffffffd, ShtVerneed = 0x6ffffffe, ShtVersym = 0x6fffffff;

    private readonly byte[] _data;
    private readonly string _name;
    private readonly List<Section> _sections = new();

    private readonly record struct Section(uint Type, long Offset, long Size, uint Link, uint Info, long EntrySize);

    private ElfVersionPatcher(byte[] data, string name)
    {
        _data = data;
        _name = name;
        ReadHeader();
    }

    /// <summary>Parses <paramref name="data"/>; <paramref name="name"/> is only used in error messages.</summary>
    /// <exception cref="InvalidDataException">The bytes are not an ELF64 little-endian object or are truncated.</exception>
    public static ElfVersionPatcher Parse(byte[] data, string name = "<bytes>")
    {
        ArgumentNullException.ThrowIfNull(data);
        return new ElfVersionPatcher(data, name);
    }

    /// <summary>Reads and parses the file at <paramref name="path"/> (read-only).</summary>
    public static ElfVersionPatcher Load(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>The bytes this instance was parsed from (not a copy; do not modify).</summary>
    internal byte[] Data => _data;

    /// <summary>All <c>Verneed</c>/<c>Vernaux</c> entries, in file order.</summary>
    /// <exception cref="InvalidDataException">The object has no <c>.gnu.version_r</c> section.</exception>
    public IReadOnlyList<ElfVersionNeed> GetVersionNeeds()
    {
        var sec = FindSection(ShtVerneed) ?? throw Error(
            "has no .gnu.version_r (SHT_GNU_verneed) section",
            "a shared object linked with symbol versioning (every libLibTorchSharp.so build has one)",
            "check that the path points at the real library, not a linker script or a stripped stub");
        var result = new List<ElfVersionNeed>();
        long pos = sec.Offset;
        for (uint i = 0; i < sec.Info; i++)
        {
            CheckRange(pos, 16);
            ushort count = U16(pos + 2);
            string file = ReadString(sec.Link, U32(pos + 4));
            long aux = pos + U32(pos + 8);
            for (int j = 0; j < count; j++)
            {
                CheckRange(aux, 16);
                result.Add(new ElfVersionNeed(file, ReadString(sec.Link, U32(aux + 8)), U16(aux + 4), U16(aux + 6), aux + 4));
                uint nextAux = U32(aux + 12);
                if (nextAux == 0) break;
                aux += nextAux;
            }
            uint next = U32(pos + 12);
            if (next == 0) break;
            pos += next;
        }
        return result;
    }

    /// <summary>The version names this object defines (<c>.gnu.version_d</c>), for example all <c>GLIBCXX_*</c> of libstdc++.</summary>
    /// <returns>An empty set when the object defines no versions.</returns>
    public IReadOnlySet<string> GetVersionDefinitions()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (FindSection(ShtVerdef) is not { } sec) return names;
        long pos = sec.Offset;
        for (uint i = 0; i < sec.Info; i++)
        {
            CheckRange(pos, 20);
            if (U16(pos + 6) > 0)
            {
                long aux = pos + U32(pos + 12);
                CheckRange(aux, 8);
                names.Add(ReadString(sec.Link, U32(aux)));
            }
            uint next = U32(pos + 16);
            if (next == 0) break;
            pos += next;
        }
        return names;
    }

    /// <summary>The <c>DT_NEEDED</c> entries of the dynamic section, in order (read by Core's <see cref="ElfNeededLibraries"/>).</summary>
    public IReadOnlyList<string> GetNeededLibraries() => ElfNeededLibraries.Read(new MemoryStream(_data, writable: false), _name);

    /// <summary>Names of the undefined dynamic symbols bound to the needed version <paramref name="versionName"/>.</summary>
    public IReadOnlyList<string> UndefinedSymbolsBoundTo(string versionName)
    {
        var indices = GetVersionNeeds().Where(v => v.Name == versionName).Select(v => v.Index).ToHashSet();
        var result = new List<string>();
        if (indices.Count == 0 || FindSection(ShtDynsym) is not { } syms || FindSection(ShtVersym) is not { } versym)
            return result;
        long count = syms.Size / 24;
        for (long i = 0; i < count; i++)
        {
            long sym = syms.Offset + (i * 24);
            CheckRange(sym, 24);
            CheckRange(versym.Offset + (i * 2), 2);
            ushort ver = (ushort)(U16(versym.Offset + (i * 2)) & 0x7fff);
            if (indices.Contains(ver) && U16(sym + 6) == 0)
                result.Add(ReadString(syms.Link, U32(sym)));
        }
        return result;
    }

    /// <summary>
    /// Returns a copy of the object in which every needed version named in <paramref name="versionNames"/>
    /// is marked weak. Only the two-byte <c>vna_flags</c> fields of those entries differ from the input.
    /// </summary>
    /// <exception cref="ArgumentException">A name is not among the object's needed versions.</exception>
    public byte[] MarkWeak(IEnumerable<string> versionNames)
    {
        ArgumentNullException.ThrowIfNull(versionNames);
        var needs = GetVersionNeeds();
        var copy = (byte[])_data.Clone();
        foreach (var name in versionNames.Distinct(StringComparer.Ordinal))
        {
            var matches = needs.Where(n => n.Name == name).ToList();
            if (matches.Count == 0)
                throw new ArgumentException(
                    $"ElfVersionPatcher: '{_name}' does not need version '{name}'. Expected one of: " +
                    $"{string.Join(", ", needs.Select(n => n.Name).Distinct())}. Pass only names listed by GetVersionNeeds().",
                    nameof(versionNames));
            foreach (var m in matches)
                BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan((int)m.FlagsOffset, 2), (ushort)(m.Flags | VerFlagWeak));
        }
        return copy;
    }

    private void ReadHeader()
    {
        if (_data.Length < 64 || _data[0] != 0x7f || _data[1] != (byte)'E' || _data[2] != (byte)'L' || _data[3] != (byte)'F')
            throw Error("is not an ELF file (no \\x7fELF magic)", "an ELF shared object (.so)",
                "pass the path of the native library itself");
        if (_data[4] != 2)
            throw Error($"is a {(_data[4] == 1 ? "32-bit (ELFCLASS32)" : $"class {_data[4]}")} ELF file",
                "a 64-bit (ELFCLASS64) object", "use the linux-x64 build of the library");
        if (_data[5] != 1)
            throw Error("is a big-endian ELF file", "a little-endian (ELFDATA2LSB) object", "use the linux-x64 build of the library");
        long shoff = (long)U64(40);
        ushort shentsize = U16(58), shnum = U16(60);
        if (shoff == 0 || shnum == 0)
            throw Error("has no section headers", "an object with section headers",
                "use the unstripped library shipped in the NuGet package");
        if (shentsize != 64)
            throw Error($"has section header size {shentsize}", "64-byte ELF64 section headers", "check that the file is not corrupted");
        for (int i = 0; i < shnum; i++)
        {
            long h = shoff + (i * 64L);
            CheckRange(h, 64);
            _sections.Add(new Section(U32(h + 4), (long)U64(h + 24), (long)U64(h + 32), U32(h + 40), U32(h + 44), (long)U64(h + 56)));
        }
        foreach (var s in _sections.Where(s => s.Type is ShtDynamic or ShtDynsym or ShtVerdef or ShtVerneed or ShtVersym))
        {
            CheckRange(s.Offset, s.Size);
            if (s.Type != ShtVersym && s.Link >= _sections.Count)
                throw Error($"has a section linked to missing section {s.Link}", "a valid string-table link", "check that the file is not corrupted");
        }
    }

    private Section? FindSection(uint type)
    {
        foreach (var s in _sections)
            if (s.Type == type) return s;
        return null;
    }

    private string ReadString(uint strtab, uint offset)
    {
        var sec = _sections[(int)strtab];
        long start = sec.Offset + offset;
        if (offset >= sec.Size) throw Error($"has a string offset {offset} past its string table", "offsets inside .dynstr", "check that the file is not corrupted");
        int end = Array.IndexOf(_data, (byte)0, (int)start, (int)(sec.Offset + sec.Size - start));
        if (end < 0) throw Error("has an unterminated string", "NUL-terminated strings", "check that the file is not corrupted");
        return Encoding.UTF8.GetString(_data, (int)start, end - (int)start);
    }

    private void CheckRange(long offset, long length)
    {
        if (offset < 0 || length < 0 || offset + length > _data.Length)
            throw Error($"is truncated: needs bytes {offset}..{offset + length} but has {_data.Length}",
                "a complete ELF file", "re-restore the package or re-copy the file");
    }

    private InvalidDataException Error(string what, string expected, string fix) =>
        new($"ElfVersionPatcher: '{_name}' {what}; expected {expected}. Fix: {fix}.");

    private ushort U16(long o) { CheckRange(o, 2); return BinaryPrimitives.ReadUInt16LittleEndian(_data.AsSpan((int)o, 2)); }

    private uint U32(long o) { CheckRange(o, 4); return BinaryPrimitives.ReadUInt32LittleEndian(_data.AsSpan((int)o, 4)); }

    private ulong U64(long o) { CheckRange(o, 8); return BinaryPrimitives.ReadUInt64LittleEndian(_data.AsSpan((int)o, 8)); }
}
