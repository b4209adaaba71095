using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace DeepML;

/// <summary>
/// Everything needed to continue a training run exactly where it stopped: weights (and batch-norm
/// buffers), optimizer moments and step count, the best epoch's snapshot for early stopping,
/// TorchSharp's random-generator state (dropout), the loop's counters and the seed; with training
/// add-ons their own parts (<see cref="Extensions"/>; adversarial debiasing: the adversary's weights, optimizer and groups);
/// with a learning-rate schedule, the schedule and its state (<see cref="Schedule"/>).
/// </summary>
internal sealed class CheckpointState
{
    public required int Epoch { get; init; }
    public required int Seed { get; init; }
    public required string Fingerprint { get; init; }
    public required long OptimizerSteps { get; init; }
    public required double BestLoss { get; init; }
    public required int BestEpoch { get; init; }
    public required int EpochsWithoutImprovement { get; init; }
    public required bool Stopped { get; init; }
    public required IReadOnlyList<TrainingProgress> History { get; init; }
    /// <summary>
    /// The training add-ons' header parts by <see cref="ITrainingExtension.Name"/> (<see cref="TrainingExtensions"/>); empty for a plain run.
    /// Adversarial debiasing's part is stored in the file's <c>Adversary</c> field, as since version 2; any other add-on's in <c>Extensions</c>.
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement> Extensions { get; init; } = new Dictionary<string, JsonElement>();
    /// <summary>Adversarial debiasing's options, groups and step count (its part of <see cref="Extensions"/>); null for a plain run (and in every version-1 file).</summary>
    public AdversaryCheckpoint? Adversary =>
        Extensions.TryGetValue(AdversaryPart, out var part) ? part.Deserialize<AdversaryCheckpoint>() : null;
    /// <summary>The name adversarial debiasing's extension saves its part under (the file's <c>Adversary</c> field).</summary>
    internal const string AdversaryPart = "Adversary";
    /// <summary>The learning-rate schedule and its state; null for a constant rate (and in every version-1 or version-2 file).</summary>
    public ScheduleCheckpoint? Schedule { get; init; }
    /// <summary>
    /// The task and every option that shapes the network or the loss, by name (<see cref="CheckpointCompatibility"/>);
    /// null in files before version 4, which only have <see cref="Fingerprint"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Settings { get; init; }
    /// <summary>Regression's label standardisation (μ, σ) the run trains with; null without one (and before version 4).</summary>
    public LabelScale? LabelScale { get; init; }
    /// <summary>Training time up to this checkpoint, summed over every process that trained the run; null before version 4.</summary>
    public TimeSpan? Elapsed { get; init; }
    /// <summary>Named CPU tensors: "model/…", "first/i", "second/i", "best/…", "rng"; with debiasing also "adversary/model/…", "adversary/first/i", "adversary/second/i".</summary>
    public required IReadOnlyDictionary<string, Tensor> Tensors { get; init; }
}

/// <summary>
/// DeepML's checkpoint file: a magic number, a JSON header, named raw tensors, and a SHA-256 of
/// everything before it. Written by <see cref="AtomicFile"/> (a temporary file in the same folder,
/// flushed to disk, then renamed over the target), so a crash while writing leaves the previous checkpoint intact; a
/// truncated or altered file is rejected on load with a message naming the file.
/// </summary>
/// <remarks>
/// Format versions: 1 had no adversarial debiasing; 2 adds the header's optional <c>Adversary</c>
/// object and the "adversary/…" tensors; 3 adds the header's optional <c>Schedule</c> object (the
/// learning-rate schedule and its state); 4 adds <c>Settings</c> (the task and the options that shape the
/// network or the loss, by name), <c>LabelScale</c> (regression's μ and σ) and <c>Elapsed</c>. Each is otherwise laid out like the one before, so older
/// files still load (version 1 as a plain run, versions 1 and 2 as constant-rate runs). Files are
/// always written as the current version.
/// </remarks>
internal static class CheckpointFile
{
    private static readonly byte[] Magic = "DEEPMLCK"u8.ToArray();
    internal const int FormatVersion = 4;
    private const int OldestReadableVersion = 1;
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static void Save(string path, CheckpointState state)
    {
        TorchRuntime.EnsureLoaded();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.Write(path, file =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using (var writer = new BinaryWriter(new HashingStream(file, hash), Encoding.UTF8, leaveOpen: true))
                Write(writer, state);
            file.Write(hash.GetHashAndReset());
        }, "NeuralNetworkTrainer");
    }

    public static CheckpointState Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"DeepML checkpoint '{path}' does not exist. Pass the CheckpointPath a previous run wrote.", path);
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < Magic.Length + 32 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw Corrupt(path, "it does not start with DeepML's checkpoint signature");
        var body = bytes.AsSpan(0, bytes.Length - 32);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - 32)))
            throw Corrupt(path, "its checksum does not match (the file is truncated or was altered)");
        TorchRuntime.EnsureLoaded(); // the reader makes tensors: the native runtime must be ready first (see TorchRuntime)
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, 0, body.Length), Encoding.UTF8);
            return Read(reader, path);
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException or ArgumentException or FormatException)
        {
            throw Corrupt(path, e.Message);
        }
    }

    private static void Write(BinaryWriter writer, CheckpointState state)
    {
        writer.Write(Magic);
        writer.Write(FormatVersion);
        var others = state.Extensions.Where(kv => kv.Key != CheckpointState.AdversaryPart).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var header = new Header(state.Epoch, state.Seed, state.Fingerprint, state.OptimizerSteps, state.BestLoss, state.BestEpoch,
            state.EpochsWithoutImprovement, state.Stopped, state.History.ToArray(),
            state.Extensions.TryGetValue(CheckpointState.AdversaryPart, out var adversary) ? adversary : null, state.Schedule,
            state.Settings?.ToDictionary(kv => kv.Key, kv => kv.Value), state.LabelScale, state.Elapsed)
        {
            Extensions = others.Count > 0 ? others : null,
        };
        writer.Write(JsonSerializer.Serialize(header, Json));
        writer.Write(state.Tensors.Count);
        foreach (var (name, tensor) in state.Tensors)
        {
            // detach, cpu and contiguous each make a wrapper (even when nothing moves): the scope frees all of them.
            using var scope = NewDisposeScope();
            var cpu = tensor.detach().cpu().contiguous();
            writer.Write(name);
            writer.Write((int)cpu.dtype);
            writer.Write(cpu.shape.Length);
            foreach (var d in cpu.shape)
                writer.Write(d);
            var data = cpu.bytes;
            writer.Write(data.Length);
            writer.Write(data);
        }
    }

    private static CheckpointState Read(BinaryReader reader, string path)
    {
        reader.ReadBytes(Magic.Length);
        var version = reader.ReadInt32();
        if (version is < OldestReadableVersion or > FormatVersion)
            throw Corrupt(path, $"it has format version {version}; this DeepML reads versions {OldestReadableVersion} to {FormatVersion}");
        var header = JsonSerializer.Deserialize<Header>(reader.ReadString(), Json) ?? throw Corrupt(path, "its header is empty");
        var count = reader.ReadInt32();
        var tensors = new Dictionary<string, Tensor>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var dtype = (ScalarType)reader.ReadInt32();
                var shape = new long[reader.ReadInt32()];
                for (var d = 0; d < shape.Length; d++)
                    shape[d] = reader.ReadInt64();
                var data = reader.ReadBytes(reader.ReadInt32());
                var tensor = empty(shape, dtype).DetachFromDisposeScope();
                tensors[name] = tensor;
                tensor.bytes = data;
            }
        }
        catch
        {
            foreach (var t in tensors.Values)
                t.Dispose();
            throw;
        }
        return new CheckpointState
        {
            Epoch = header.Epoch, Seed = header.Seed, Fingerprint = header.Fingerprint, OptimizerSteps = header.OptimizerSteps,
            BestLoss = header.BestLoss, BestEpoch = header.BestEpoch, EpochsWithoutImprovement = header.EpochsWithoutImprovement,
            Stopped = header.Stopped, History = header.History, Tensors = tensors,
            Extensions = ExtensionParts(header, version),
            Schedule = version >= 3 ? header.Schedule : null,
            Settings = version >= 4 ? header.Settings : null,
            LabelScale = version >= 4 ? header.LabelScale : null,
            Elapsed = version >= 4 ? header.Elapsed : null,
        };
    }

    /// <summary>The add-ons' parts: <c>Adversary</c> (versions 2 on) and the <c>Extensions</c> object (absent until an add-on beside debiasing writes one).</summary>
    private static Dictionary<string, JsonElement> ExtensionParts(Header header, int version)
    {
        var parts = header.Extensions?.Where(kv => kv.Value.ValueKind != JsonValueKind.Null).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal)
            ?? new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (version >= 2 && header.Adversary is { ValueKind: not JsonValueKind.Null } adversary)
            parts[CheckpointState.AdversaryPart] = adversary;
        return parts;
    }

    private static InvalidDataException Corrupt(string path, string why) =>
        new($"DeepML checkpoint '{path}' cannot be read: {why}. Resume from an intact checkpoint or train from the start.");

    /// <summary>
    /// The JSON header; <paramref name="Adversary"/> is absent from version-1 files, <paramref name="Schedule"/> from versions 1 and 2,
    /// <paramref name="Settings"/>, <paramref name="LabelScale"/> and <paramref name="Elapsed"/> from versions 1 to 3 (read as null).
    /// </summary>
    private sealed record Header(int Epoch, int Seed, string Fingerprint, long OptimizerSteps, double BestLoss, int BestEpoch,
        int EpochsWithoutImprovement, bool Stopped, TrainingProgress[] History, JsonElement? Adversary, ScheduleCheckpoint? Schedule,
        Dictionary<string, string>? Settings, LabelScale? LabelScale, TimeSpan? Elapsed)
    {
        /// <summary>Add-ons' parts other than debiasing's; left out of the file when there are none (so plain and debiased files keep version 4's layout).</summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public Dictionary<string, JsonElement>? Extensions { get; init; }
    }

    /// <summary>Feeds every byte written through it into a hash.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }
    }
}
