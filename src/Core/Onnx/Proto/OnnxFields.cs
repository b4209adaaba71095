namespace DeepML.Onnx.Proto;

// Field numbers and enum values of onnx/onnx.proto (shared/reference/ecosystem.md §4.5). They are
// facts of the wire format and never change; only the subset DeepML writes or reads is listed.

internal static class ModelFields
{
    public const int IrVersion = 1;
    public const int ProducerName = 2;
    public const int ProducerVersion = 3;
    public const int Domain = 4;
    public const int ModelVersion = 5;
    public const int DocString = 6;
    public const int Graph = 7;
    public const int OpsetImport = 8;
    public const int MetadataProps = 14;
}

internal static class OperatorSetIdFields
{
    public const int Domain = 1;
    public const int Version = 2;
}

internal static class GraphFields
{
    public const int Node = 1;
    public const int Name = 2;
    public const int Initializer = 5;
    public const int DocString = 10;
    public const int Input = 11;
    public const int Output = 12;
}

internal static class NodeFields
{
    public const int Input = 1;
    public const int Output = 2;
    public const int Name = 3;
    public const int OpType = 4;
    public const int Attribute = 5;
}

internal static class AttributeFields
{
    public const int Name = 1;
    public const int F = 2;
    public const int I = 3;
    public const int Type = 20;

    // AttributeProto.AttributeType
    public const int TypeFloat = 1;
    public const int TypeInt = 2;
}

internal static class TensorFields
{
    public const int Dims = 1;
    public const int DataType = 2;
    public const int Name = 8;
    public const int RawData = 9;

    // TensorProto.DataType
    public const int DataTypeFloat = 1;
    public const int DataTypeInt32 = 6;
    public const int DataTypeInt64 = 7;
    public const int DataTypeBool = 9;
    public const int DataTypeDouble = 11;
}

internal static class ValueInfoFields
{
    public const int Name = 1;
    public const int Type = 2;
}

internal static class TypeFields
{
    public const int TensorType = 1;
    public const int SequenceType = 4;

    // TypeProto.Sequence
    public const int SequenceElemType = 1;

    // TypeProto.Tensor
    public const int TensorElemType = 1;
    public const int TensorShape = 2;

    // TensorShapeProto and its Dimension
    public const int ShapeDim = 1;
    public const int DimValue = 1;
    public const int DimParam = 2;
}

internal static class StringStringEntryFields
{
    public const int Key = 1;
    public const int Value = 2;
}
