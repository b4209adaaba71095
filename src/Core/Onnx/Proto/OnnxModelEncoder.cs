using System.Runtime.InteropServices;
using Google.Protobuf;

namespace DeepML.Onnx.Proto;

/// <summary>The header of a model: versions, producer and <c>metadata_props</c>.</summary>
internal sealed record OnnxModelHeader(long IrVersion, long Opset, string ProducerName, string ProducerVersion,
    IReadOnlyList<KeyValuePair<string, string>> Metadata);

/// <summary>Encodes an <see cref="OnnxGraph"/> as an ONNX <c>ModelProto</c> (field numbers in <see cref="ModelFields"/> and friends).</summary>
internal static class OnnxModelEncoder
{
    public static byte[] Encode(OnnxGraph graph, OnnxModelHeader header) => ProtoWriter.Message(o =>
    {
        o.Int64(ModelFields.IrVersion, header.IrVersion);
        o.String(ModelFields.ProducerName, header.ProducerName);
        o.String(ModelFields.ProducerVersion, header.ProducerVersion);
        o.Embedded(ModelFields.Graph, Graph(graph));
        o.Embedded(ModelFields.OpsetImport, ProtoWriter.Message(s =>
        {
            s.String(OperatorSetIdFields.Domain, "");
            s.Int64(OperatorSetIdFields.Version, header.Opset);
        }));
        foreach (var (key, value) in header.Metadata)
        {
            o.Embedded(ModelFields.MetadataProps, ProtoWriter.Message(e =>
            {
                e.String(StringStringEntryFields.Key, key);
                e.String(StringStringEntryFields.Value, value);
            }));
        }
    });

    private static byte[] Graph(OnnxGraph graph) => ProtoWriter.Message(o =>
    {
        foreach (var node in graph.Nodes)
            o.Embedded(GraphFields.Node, Node(node));
        o.String(GraphFields.Name, graph.Name);
        foreach (var init in graph.Initializers)
            o.Embedded(GraphFields.Initializer, Tensor(init));
        foreach (var input in graph.Inputs)
            o.Embedded(GraphFields.Input, ValueInfo(input));
        foreach (var output in graph.Outputs)
            o.Embedded(GraphFields.Output, ValueInfo(output));
    });

    private static byte[] Node(OnnxNode node) => ProtoWriter.Message(o =>
    {
        foreach (var input in node.Inputs)
            o.String(NodeFields.Input, input);
        foreach (var output in node.Outputs)
            o.String(NodeFields.Output, output);
        o.String(NodeFields.Name, node.Name);
        o.String(NodeFields.OpType, node.OpType);
        foreach (var attribute in node.Attributes)
            o.Embedded(NodeFields.Attribute, Attribute(attribute));
    });

    private static byte[] Attribute(OnnxAttribute attribute) => ProtoWriter.Message(o =>
    {
        o.String(AttributeFields.Name, attribute.Name);
        if (attribute.Float is { } f)
        {
            o.Float(AttributeFields.F, f);
            o.Int32(AttributeFields.Type, AttributeFields.TypeFloat);
        }
        else if (attribute.Int is { } i)
        {
            o.Int64(AttributeFields.I, i);
            o.Int32(AttributeFields.Type, AttributeFields.TypeInt);
        }
        else
        {
            throw new InvalidOperationException($"OnnxModelEncoder: attribute '{attribute.Name}' has no value.");
        }
    });

    private static byte[] Tensor(OnnxInitializer tensor) => ProtoWriter.Message(o =>
    {
        // dims is `repeated int64` without [packed=true]: one varint field per dimension.
        foreach (var d in tensor.Dims)
            o.Int64(TensorFields.Dims, d);
        o.Int32(TensorFields.DataType, TensorFields.DataTypeFloat);
        o.String(TensorFields.Name, tensor.Name);
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("OnnxModelEncoder: raw_data is little-endian and this platform is big-endian; exporting ONNX needs a little-endian machine.");
        o.Bytes(TensorFields.RawData, MemoryMarshal.AsBytes(tensor.Data.AsSpan()));
    });

    private static byte[] ValueInfo(OnnxTensorInfo info) => ProtoWriter.Message(o =>
    {
        o.String(ValueInfoFields.Name, info.Name);
        var shape = ProtoWriter.Message(s =>
        {
            foreach (var dim in info.Dims)
            {
                s.Embedded(TypeFields.ShapeDim, ProtoWriter.Message(d =>
                {
                    switch (dim)
                    {
                        case string param: d.String(TypeFields.DimParam, param); break;
                        case long value: d.Int64(TypeFields.DimValue, value); break;
                        case int value: d.Int64(TypeFields.DimValue, value); break;
                        default: throw new InvalidOperationException($"OnnxModelEncoder: dimension {dim} of '{info.Name}' is neither a size nor a name.");
                    }
                }));
            }
        });
        var tensorType = ProtoWriter.Message(t =>
        {
            t.Int32(TypeFields.TensorElemType, info.ElementType);
            t.Embedded(TypeFields.TensorShape, shape);
        });
        var type = ProtoWriter.Message(t => t.Embedded(TypeFields.TensorType, tensorType));
        if (info.Sequence)
            type = ProtoWriter.Message(t => t.Embedded(TypeFields.SequenceType, ProtoWriter.Message(q => q.Embedded(TypeFields.SequenceElemType, type))));
        o.Embedded(ValueInfoFields.Type, type);
    });
}
