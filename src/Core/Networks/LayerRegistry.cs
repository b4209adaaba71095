using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;

namespace DeepML;

/// <summary>
/// Finds layer kinds by their JSON discriminator. Every <see cref="LayerSpec"/> subclass in DeepML.Core
/// marked with <see cref="LayerKindAttribute"/> is found by reflection once; kinds from other assemblies
/// are added with <see cref="Register"/>. Adding a kind never needs a <c>switch</c> arm anywhere.
/// </summary>
public static class LayerRegistry
{
    private static readonly ConcurrentDictionary<string, Func<JsonObject, LayerSpec>> Readers = Discover();

    /// <summary>Every registered kind name, sorted.</summary>
    public static IReadOnlyList<string> Kinds => Readers.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// Registers a kind from outside DeepML.Core: <paramref name="layerType"/> derives from <see cref="LayerSpec"/>,
    /// carries <see cref="LayerKindAttribute"/> and declares <c>public static LayerSpec ReadJson(JsonObject json)</c>.
    /// Registering the same type again does nothing; another type under a taken name is an error.
    /// </summary>
    /// <param name="layerType">The layer record type.</param>
    public static void Register(Type layerType)
    {
        ArgumentNullException.ThrowIfNull(layerType);
        foreach (var (kind, reader) in ReadersOf(layerType))
        {
            var added = Readers.GetOrAdd(kind, reader);
            if (added != reader && added.Method.DeclaringType != layerType)
                throw new ArgumentException($"LayerRegistry: kind '{kind}' is already registered by {added.Method.DeclaringType?.FullName}; {layerType.FullName} cannot take it. Give the kind another name in its [LayerKind] attribute.", nameof(layerType));
        }
    }

    /// <summary>Whether <paramref name="kind"/> is registered.</summary>
    /// <param name="kind">A JSON discriminator.</param>
    public static bool IsRegistered(string kind) => Readers.ContainsKey(kind);

    /// <summary>Reads a layer whose <c>"kind"</c> is <paramref name="kind"/>.</summary>
    /// <exception cref="FormatException">The kind is not registered.</exception>
    internal static LayerSpec Read(string kind, JsonObject json) =>
        Readers.TryGetValue(kind, out var reader)
            ? reader(json)
            : throw new FormatException($"LayerRegistry: layer kind '{kind}' is unknown. Registered kinds: {string.Join(", ", Kinds)}. " +
                "Register the assembly's layer type with LayerRegistry.Register, or load the model with the DeepML version that wrote it.");

    private static ConcurrentDictionary<string, Func<JsonObject, LayerSpec>> Discover()
    {
        var readers = new ConcurrentDictionary<string, Func<JsonObject, LayerSpec>>(StringComparer.Ordinal);
        foreach (var type in typeof(LayerSpec).Assembly.GetTypes().Where(t => t.GetCustomAttribute<LayerKindAttribute>() is not null))
        {
            foreach (var (kind, reader) in ReadersOf(type))
            {
                if (!readers.TryAdd(kind, reader))
                    throw new InvalidOperationException($"LayerRegistry: kind '{kind}' is declared twice in DeepML.Core ({type.FullName} and another type).");
            }
        }
        return readers;
    }

    private static IEnumerable<(string Kind, Func<JsonObject, LayerSpec> Reader)> ReadersOf(Type type)
    {
        if (!typeof(LayerSpec).IsAssignableFrom(type) || type.IsAbstract)
            throw new ArgumentException($"LayerRegistry: {type.FullName} is not a concrete LayerSpec; only layer records can be registered.", nameof(type));
        var attribute = type.GetCustomAttribute<LayerKindAttribute>()
            ?? throw new ArgumentException($"LayerRegistry: {type.FullName} has no [LayerKind(\"...\")] attribute; add one naming its JSON kind.", nameof(type));
        var method = type.GetMethod("ReadJson", BindingFlags.Public | BindingFlags.Static, [typeof(JsonObject)]);
        if (method is null || !typeof(LayerSpec).IsAssignableFrom(method.ReturnType))
            throw new ArgumentException($"LayerRegistry: {type.FullName} has no 'public static LayerSpec ReadJson(JsonObject json)'; add it (the inverse of WriteJson).", nameof(type));
        var reader = method.CreateDelegate<Func<JsonObject, LayerSpec>>();
        foreach (var kind in attribute.Kinds)
            yield return (kind, reader);
    }
}
