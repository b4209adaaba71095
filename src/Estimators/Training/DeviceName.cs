namespace DeepML;

/// <summary>Parses DeepML's device strings: "cpu", "cuda", "cuda:N".</summary>
internal static class DeviceName
{
    /// <summary>Parses <paramref name="text"/>; <paramref name="cudaIndex"/> is -1 for the CPU.</summary>
    public static bool TryParse(string text, out int cudaIndex)
    {
        cudaIndex = -1;
        var t = text.Trim().ToLowerInvariant();
        if (t == "cpu")
            return true;
        if (t == "cuda")
        {
            cudaIndex = 0;
            return true;
        }
        return t.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(t.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out cudaIndex);
    }
}
