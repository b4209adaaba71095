namespace DeepML;

/// <summary>
/// Marks a <see cref="LayerSpec"/> subclass as a layer kind that <see cref="LayerRegistry"/> reads from JSON
/// under the given discriminator(s) (its <see cref="LayerSpec.Kind"/> values).
/// </summary>
/// <remarks>
/// The class must also declare <c>public static LayerSpec ReadJson(JsonObject json)</c>, the inverse of
/// <see cref="LayerSpec.WriteJson"/> (children come back through <see cref="LayerJson.Read"/>).
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class LayerKindAttribute : Attribute
{
    /// <summary>Declares the kind names of the class.</summary>
    /// <param name="kinds">One or more JSON discriminators, for example <c>"Conv2d"</c>.</param>
    public LayerKindAttribute(params string[] kinds) => Kinds = kinds;

    /// <summary>The JSON discriminators this class reads.</summary>
    public IReadOnlyList<string> Kinds { get; }
}
