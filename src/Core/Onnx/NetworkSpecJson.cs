using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeepML.Onnx;

/// <summary>
/// The JSON form of a <see cref="NetworkSpec"/> kept in the ONNX metadata (<c>deepml.spec</c>):
/// <c>{"inputShape":[108],"layers":[{"kind":"Dense","units":128,"useBias":true},{"kind":"Relu","alpha":0.01},...]}</c>;
/// each layer's object is <see cref="LayerJson"/>'s. Version 0.1 wrote <c>"inputSize":108</c> instead of
/// <c>"inputShape"</c> and the same layer objects, so both read.
/// </summary>
internal static class NetworkSpecJson
{
    public static string Write(NetworkSpec spec)
    {
        var shape = new JsonArray(spec.InputShape!.Dims.Select(d => (JsonNode)d).ToArray());
        return new JsonObject { ["inputShape"] = shape, ["layers"] = LayerJson.WriteAll(spec.Layers) }.ToJsonString();
    }

    public static NetworkSpec Read(string json)
    {
        JsonNode root;
        try
        {
            root = JsonNode.Parse(json) ?? throw Bad(json, "it is empty");
        }
        catch (JsonException e)
        {
            throw Bad(json, $"it is not JSON ({e.Message})");
        }
        TensorShape shape;
        if (root["inputShape"] is JsonArray dims)
            shape = new TensorShape(dims.Select(d => d!.GetValue<int>()).ToArray());
        else if (root["inputSize"] is { } size)
            shape = TensorShape.Vector(size.GetValue<int>());
        else
            throw Bad(json, "'inputShape' is missing");
        if (root["layers"] is not JsonArray)
            throw Bad(json, "'layers' is missing");
        List<LayerSpec> layers;
        try
        {
            layers = LayerJson.ReadAll(root["layers"]);
        }
        catch (FormatException e)
        {
            throw Bad(json, e.Message);
        }
        return new NetworkSpec(layers, shape);
    }

    private static FormatException Bad(string json, string why) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"DeepML ONNX metadata: 'deepml.spec' cannot be read because {why}. Expected the JSON that OnnxExporter writes; got: {Truncate(json)}. Re-export the model with OnnxExporter."));

    private static string Truncate(string s) => s.Length <= 200 ? s : s[..200] + "…";

    public static string WriteStrings(IReadOnlyList<string> values) => JsonSerializer.Serialize(values);

    public static IReadOnlyList<string> ReadStrings(string key, string json)
    {
        try
        {
            return JsonSerializer.Deserialize<string[]>(json) ?? [];
        }
        catch (JsonException e)
        {
            throw new FormatException($"DeepML ONNX metadata: '{key}' should be a JSON array of strings, got: {Truncate(json)}. Re-export the model with OnnxExporter.", e);
        }
    }
}
