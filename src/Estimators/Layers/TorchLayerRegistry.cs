using System.Collections.Concurrent;

namespace DeepML;

/// <summary>
/// Finds the <see cref="ITorchLayer"/> factory of a layer type. Every concrete <see cref="ITorchLayer"/> in
/// DeepML.Estimators with a parameterless constructor is found by reflection once; factories from other
/// assemblies are added with <see cref="Register"/>.
/// </summary>
public static class TorchLayerRegistry
{
    private static readonly ConcurrentDictionary<Type, ITorchLayer> Factories = Discover();

    /// <summary>Registers (or replaces) the factory for its <see cref="ITorchLayer.LayerType"/>.</summary>
    /// <param name="factory">The factory.</param>
    public static void Register(ITorchLayer factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        if (!typeof(LayerSpec).IsAssignableFrom(factory.LayerType))
            throw new ArgumentException($"TorchLayerRegistry: {factory.GetType().FullName}.LayerType is {factory.LayerType.FullName}, not a LayerSpec. Return the layer record's type.", nameof(factory));
        Factories[factory.LayerType] = factory;
    }

    /// <summary>The layer types that have a factory, by name.</summary>
    public static IReadOnlyList<string> LayerTypes => Factories.Keys.Select(t => t.Name).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The factory of <paramref name="layer"/>'s type.</summary>
    /// <param name="layer">The layer.</param>
    /// <param name="path">Its path, for the error message.</param>
    /// <exception cref="NotSupportedException">No factory is registered for the type.</exception>
    public static ITorchLayer For(LayerSpec layer, string path)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return Factories.TryGetValue(layer.GetType(), out var factory)
            ? factory
            : throw new NotSupportedException($"TorchNetwork: layer {path} of kind '{layer.Kind}' ({layer.GetType().Name}) cannot be trained: no TorchSharp factory is registered for it. " +
                $"Layer types with one: {string.Join(", ", LayerTypes)}. Add an ITorchLayer (TorchLayer<{layer.GetType().Name}>) and register it with TorchLayerRegistry.Register.");
    }

    private static ConcurrentDictionary<Type, ITorchLayer> Discover()
    {
        var factories = new ConcurrentDictionary<Type, ITorchLayer>();
        foreach (var type in typeof(TorchLayerRegistry).Assembly.GetTypes()
            .Where(t => typeof(ITorchLayer).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false } && t.GetConstructor(Type.EmptyTypes) is not null))
        {
            var factory = (ITorchLayer)Activator.CreateInstance(type)!;
            if (!factories.TryAdd(factory.LayerType, factory))
                throw new InvalidOperationException($"TorchLayerRegistry: two factories in DeepML.Estimators build {factory.LayerType.Name}.");
        }
        return factories;
    }
}
