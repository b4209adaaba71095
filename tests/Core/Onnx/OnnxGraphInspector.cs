using DeepML.Onnx.Proto;

namespace DeepML.Core.Tests.Onnx;

/// <summary>Reads a few ModelProto fields back with the message types generated from onnx.proto3.</summary>
internal static class OnnxGraphInspector
{
    public static ModelProto Parse(byte[] model) => ModelProto.Parser.ParseFrom(model);

    public static long IrVersion(byte[] model) => Parse(model).IrVersion;

    public static (string Domain, long Version)[] Opsets(byte[] model) =>
        Parse(model).OpsetImport.Select(o => (o.Domain, o.Version)).ToArray();

    public static string[] OperatorTypes(byte[] model) => Parse(model).Graph.Node.Select(n => n.OpType).ToArray();
}
