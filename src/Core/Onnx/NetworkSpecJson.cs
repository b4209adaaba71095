using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeepML.Onnx;

/// <summary>
/// The JSON form of a <see cref="NetworkSpec"/> kept in the ONNX metadata (<c>deepml.spec</c>):
/// <c>{"inputSize":108,"layers":[{"kind":"Dense","units":128,"useBias":true},{"kind":"Relu"},
/// {"kind":"LeakyRelu","alpha":0.01},{"kind":"Dropout","rate":0.1},{"kind":"BatchNorm","epsilon":1E-05,"momentum":0.1}]}</c>.
/// </summary>
internal static class NetworkSpecJson
{
    public static string Write(NetworkSpec spec)
    {
        var layers = new JsonArray();
        foreach (var layer in spec.Layers)
        {
            var o = new JsonObject { ["kind"] = layer.Kind };
            switch (layer)
            {
                case DenseLayer d: o["units"] = d.Units; o["useBias"] = d.UseBias; break;
                case DropoutLayer d: o["rate"] = d.Rate; break;
                case BatchNormLayer b: o["epsilon"] = b.Epsilon; o["momentum"] = b.Momentum; break;
                case ActivationLayer a: o["alpha"] = a.Alpha; break;
                default: break; // The exporter rejects unknown kinds before metadata is written.
            }
            layers.Add(o);
        }
        return new JsonObject { ["inputSize"] = spec.InputSize, ["layers"] = layers }.ToJsonString();
    }

    public static NetworkSpec Read(string json)
    {
        var root = JsonNode.Parse(json) ?? throw Bad(json, "it is empty");
        var inputSize = root["inputSize"]?.GetValue<int>() ?? throw Bad(json, "'inputSize' is missing");
        var layers = new List<LayerSpec>();
        foreach (var node in root["layers"]?.AsArray() ?? throw Bad(json, "'layers' is missing"))
        {
            var kind = node?["kind"]?.GetValue<string>() ?? throw Bad(json, "a layer has no 'kind'");
            layers.Add(kind switch
            {
                "Dense" => new DenseLayer(node["units"]!.GetValue<int>(), node["useBias"]?.GetValue<bool>() ?? true),
                "Dropout" => new DropoutLayer(node["rate"]!.GetValue<double>()),
                "BatchNorm" => new BatchNormLayer(node["epsilon"]!.GetValue<double>(), node["momentum"]!.GetValue<double>()),
                _ when Enum.TryParse<ActivationKind>(kind, out var a) => new ActivationLayer(a, node["alpha"]?.GetValue<double>() ?? double.NaN),
                _ => throw Bad(json, $"layer kind '{kind}' is unknown to this DeepML version"),
            });
        }
        return new NetworkSpec(layers, inputSize);
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
