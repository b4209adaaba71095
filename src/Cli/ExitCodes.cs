namespace DeepML.Cli;

/// <summary>The exit codes a script can rely on (also listed by <c>deepml --help</c>).</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;

    /// <summary>An unexpected failure (a bug or an environment problem); the message says what failed.</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong (unknown option, missing value): System.CommandLine's own code.</summary>
    public const int Usage = 2;

    /// <summary>The input data or a file named on the command line is unusable (missing column, wrong label, unreadable model).</summary>
    public const int BadInput = 3;

    /// <summary>The time budget ran out before any model was trained.</summary>
    public const int BudgetExhausted = 4;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Cancelled = 130;

    public const string Help = "Exit codes: 0 success, 1 unexpected failure, 2 bad command line, 3 unusable data or file, 4 time budget too small, 130 cancelled.";
}

/// <summary>A failure to report to the user as one message and an exit code, without a stack trace.</summary>
internal sealed class CliException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
