namespace DeepML.Testing;

/// <summary>
/// Dynamic skips for xunit 2.9.3. xunit v2 has no <c>Assert.Skip</c> and its execution engine does
/// not honour v3's <c>$XunitDynamicSkip$</c> message marker (only xunit.assert knows the token), so
/// a <see cref="ContractFactAttribute"/> test runs through <see cref="ContractTestCase"/>, which
/// reports a test that threw <see cref="ContractSkipException"/> as <em>skipped</em> with its reason.
/// The message still starts with the v3 marker, so the same exception skips under xunit v3.
/// </summary>
public static class ContractSkip
{
    /// <summary>xunit's dynamic-skip marker (<c>Xunit.Sdk.DynamicSkipToken.Value</c>, internal in 2.9.3).</summary>
    public const string Token = "$XunitDynamicSkip$";

    /// <summary>Skips the running test with <paramref name="reason"/> when it is not null; fails on an empty reason.</summary>
    /// <param name="reason">Why the check does not apply; null runs the check.</param>
    /// <param name="what">The opt-out's name, for the failure message when the reason is blank.</param>
    public static void IfOptedOut(string? reason, string what)
    {
        if (reason is null)
            return;
        if (string.IsNullOrWhiteSpace(reason))
            throw new Xunit.Sdk.XunitException($"{what}: an opt-out must carry a written reason (got a blank one).");
        throw new ContractSkipException($"{what}: {reason}");
    }
}

/// <summary>Thrown to report the running test as skipped (see <see cref="ContractSkip"/>).</summary>
public sealed class ContractSkipException : Exception
{
    /// <summary>Creates the exception; xunit shows <paramref name="reason"/> as the skip reason.</summary>
    public ContractSkipException(string reason) : base(ContractSkip.Token + reason) => Reason = reason;

    /// <summary>The skip reason without the marker.</summary>
    public string Reason { get; }
}
