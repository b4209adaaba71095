using DeepML.Cli.Output;

namespace DeepML.Cli.Commands;

/// <summary>Runs a command's work and turns failures into one error line and an exit code (<see cref="ExitCodes"/>).</summary>
internal static class CliHost
{
    public static Task<int> Run(Func<CliConsole, int> work, CancellationToken cancel) => Task.Run(() =>
    {
        try
        {
            cancel.ThrowIfCancellationRequested();
            return work(CliConsole.ForProcess());
        }
        catch (CliException e)
        {
            CliConsole.Error(e.Message);
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            CliConsole.Error("cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or IOException or FormatException)
        {
            // DeepML's and ML.NET's own messages name the column, option or file; show them without a stack trace.
            CliConsole.Error($"{e.Message} ({e.GetType().Name})");
            return e is InvalidOperationException ? ExitCodes.Failure : ExitCodes.BadInput;
        }
    }, CancellationToken.None);

    /// <summary>Checks --device: cpu, cuda or cuda:N.</summary>
    public static string Device(string value)
    {
        var v = value.Trim().ToLowerInvariant();
        if (v == "cpu" || v == "cuda" || v.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(v[5..], out var n) && n >= 0)
            return v == "cuda" ? "cuda:0" : v;
        throw new CliException(ExitCodes.BadInput, $"--device: '{value}' is not a device. Use cpu, cuda or cuda:N (for example cuda:0).");
    }

    /// <summary>Parses --separator: one character, or tab / space / comma / semicolon by name.</summary>
    public static char? Separator(string? value) => value switch
    {
        null or "" => null,
        "tab" or "\\t" => '\t',
        "space" => ' ',
        "comma" => ',',
        "semicolon" => ';',
        { Length: 1 } => value[0],
        _ => throw new CliException(ExitCodes.BadInput, $"--separator: '{value}' is not one character. Give one character, or tab, space, comma or semicolon."),
    };
}
