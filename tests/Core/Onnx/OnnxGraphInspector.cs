using Google.Protobuf;

namespace DeepML.Core.Tests.Onnx;

/// <summary>Reads a few ModelProto fields back with a plain protobuf reader (field numbers from onnx.proto).</summary>
internal static class OnnxGraphInspector
{
    public static long IrVersion(byte[] model) => Fields(model).Where(f => f.Number == 1).Select(f => (long)f.Varint).Single();

    public static (string Domain, long Version)[] Opsets(byte[] model) =>
        Fields(model).Where(f => f.Number == 8).Select(f =>
        {
            var entry = Fields(f.Bytes!);
            return (entry.Where(e => e.Number == 1).Select(e => e.Bytes!.ToStringUtf8()).SingleOrDefault() ?? "",
                    entry.Where(e => e.Number == 2).Select(e => (long)e.Varint).Single());
        }).ToArray();

    public static string[] OperatorTypes(byte[] model) =>
        Nodes(model).Select(n => Fields(n).Single(f => f.Number == 4).Bytes!.ToStringUtf8()).ToArray();

    private static IEnumerable<ByteString> Nodes(byte[] model) =>
        Fields(Fields(model).Single(f => f.Number == 7).Bytes!).Where(f => f.Number == 1).Select(f => f.Bytes!);

    private static List<(int Number, ulong Varint, ByteString? Bytes)> Fields(ByteString bytes) => Fields(bytes.ToByteArray());

    private static List<(int Number, ulong Varint, ByteString? Bytes)> Fields(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        var fields = new List<(int, ulong, ByteString?)>();
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.Varint: fields.Add((number, input.ReadUInt64(), null)); break;
                case WireFormat.WireType.LengthDelimited: fields.Add((number, 0, input.ReadBytes())); break;
                default: input.SkipLastField(); break;
            }
        }
        return fields;
    }
}
