namespace DeepML;

// Training on data larger than memory.
public sealed partial record NeuralNetworkOptions
{
    /// <summary>
    /// Whether to train straight from the data view's cursor through a seeded shuffle buffer instead of reading every
    /// row into memory (<see cref="StreamingOptions"/>). Default: <see cref="StreamingMode.Auto"/>, which streams only
    /// when the rows do not fit in memory.
    /// </summary>
    public StreamingOptions Streaming { get; init => field = value ?? throw new ArgumentNullException(nameof(Streaming), "NeuralNetworkOptions: Streaming must not be null; use new StreamingOptions()."); } = new();
}
