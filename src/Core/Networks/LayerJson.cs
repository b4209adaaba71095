using System.Globalization;
using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>
/// The JSON form of layers: <c>{"kind":"Dense","units":128,"useBias":true}</c>; composites hold their
/// children's objects (<c>{"kind":"Sequential","layers":[...]}</c>). The kind is the discriminator that
/// <see cref="LayerRegistry"/> reads back.
/// </summary>
public static class LayerJson
{
    /// <summary>The JSON object of <paramref name="layer"/>: <c>"kind"</c> and the kind's own fields.</summary>
    /// <param name="layer">Any registered layer.</param>
    public static JsonObject Write(LayerSpec layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var json = new JsonObject { ["kind"] = layer.Kind };
        layer.WriteJson(json);
        return json;
    }

    /// <summary>Reads a layer written by <see cref="Write"/>.</summary>
    /// <param name="node">A JSON object with a <c>"kind"</c>.</param>
    /// <exception cref="FormatException">The node is not a layer object or its kind is unknown.</exception>
    public static LayerSpec Read(JsonNode? node)
    {
        if (node is not JsonObject json)
            throw new FormatException($"LayerJson: expected a layer object such as {{\"kind\":\"Dense\",\"units\":8}}, got {node?.ToJsonString() ?? "null"}.");
        var kind = json["kind"]?.GetValue<string>()
            ?? throw new FormatException($"LayerJson: the layer {json.ToJsonString()} has no \"kind\". Every layer object names its kind.");
        try
        {
            return LayerRegistry.Read(kind, json);
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException or ArgumentException or FormatException && e is not LayerJsonException)
        {
            throw new LayerJsonException($"LayerJson: the {kind} layer {Truncate(json.ToJsonString())} cannot be read ({e.Message}).", e);
        }
    }

    /// <summary>A required number field (the error names the layer kind and the field).</summary>
    public static int Int(JsonObject json, string name) => Required(json, name).GetValue<int>();

    /// <summary>A required floating-point field.</summary>
    public static double Double(JsonObject json, string name) => Required(json, name).GetValue<double>();

    /// <summary>An optional field, or <paramref name="fallback"/>.</summary>
    public static T Optional<T>(JsonObject json, string name, T fallback) => json[name] is { } node ? node.GetValue<T>() : fallback;

    /// <summary>Writes a list of children as a JSON array.</summary>
    public static JsonArray WriteAll(IEnumerable<LayerSpec> layers) => new(layers.Select(l => (JsonNode)Write(l)).ToArray());

    /// <summary>Reads a JSON array of layers.</summary>
    public static List<LayerSpec> ReadAll(JsonNode? array) =>
        (array as JsonArray ?? throw new FormatException($"LayerJson: expected an array of layers, got {array?.ToJsonString() ?? "nothing"}.")).Select(Read).ToList();

    private static JsonNode Required(JsonObject json, string name) =>
        json[name] ?? throw new FormatException(string.Create(CultureInfo.InvariantCulture,
            $"field '{name}' is missing; expected the fields LayerSpec.WriteJson writes for kind {json["kind"]}"));

    private static string Truncate(string s) => s.Length <= 200 ? s : s[..200] + "…";
}

/// <summary>A layer's JSON could not be read; the message names the kind and the JSON.</summary>
public sealed class LayerJsonException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public LayerJsonException(string message, Exception inner) : base(message, inner) { }
}
