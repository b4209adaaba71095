namespace DeepML.Serving;

/// <summary>Which model answered: its load number in this process, its content hash and the file's time.</summary>
/// <param name="Number">1 for the first load, +1 for each successful reload.</param>
/// <param name="Hash">The first 12 hex digits of the SHA-256 of the model file's bytes.</param>
/// <param name="FileTimeUtc">The file's last write time when it was read.</param>
public sealed record ModelVersion(int Number, string Hash, DateTime FileTimeUtc)
{
    /// <summary>"3-1a2b3c4d5e6f": what every response carries, so a client can tell which model scored it.</summary>
    public string Tag => $"{Number}-{Hash}";
}
