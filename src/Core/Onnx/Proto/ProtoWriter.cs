using Google.Protobuf;

namespace DeepML.Onnx.Proto;

/// <summary>
/// Hand-encodes protobuf messages with <see cref="CodedOutputStream"/>: no generated classes and no
/// <c>.proto</c> file. A message is built into its own byte array and embedded in its parent as a
/// length-delimited field, which keeps every writer a small function of its fields.
/// </summary>
internal static class ProtoWriter
{
    /// <summary>Encodes one message: <paramref name="write"/> writes its fields.</summary>
    public static byte[] Message(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        using (var output = new CodedOutputStream(stream, leaveOpen: true))
        {
            write(output);
            output.Flush();
        }
        return stream.ToArray();
    }

    public static void Int64(this CodedOutputStream output, int field, long value)
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt64(value);
    }

    public static void Int32(this CodedOutputStream output, int field, int value)
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt32(value);
    }

    public static void Float(this CodedOutputStream output, int field, float value)
    {
        output.WriteTag(field, WireFormat.WireType.Fixed32);
        output.WriteFloat(value);
    }

    public static void String(this CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    public static void Bytes(this CodedOutputStream output, int field, ReadOnlySpan<byte> value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(value));
    }

    /// <summary>Writes an already encoded sub-message as a length-delimited field.</summary>
    public static void Embedded(this CodedOutputStream output, int field, byte[] message) => output.Bytes(field, message);
}
