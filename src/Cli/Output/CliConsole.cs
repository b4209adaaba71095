using System.Globalization;
using Spectre.Console;

namespace DeepML.Cli.Output;

/// <summary>
/// The command's console: on a terminal, colour and a live spinner with the current trial
/// (Spectre.Console); redirected, plain lines only (one per event), so logs and scripts read it.
/// Results end as <c>name: value</c> lines in both cases.
/// </summary>
internal sealed class CliConsole(TextWriter output, bool interactive)
{
    public static CliConsole ForProcess() =>
        new(Console.Out, !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive && Environment.GetEnvironmentVariable("NO_COLOR") is null);

    public bool Interactive { get; } = interactive;

    public TextWriter Writer { get; } = output;

    /// <summary>A progress line.</summary>
    public void Line(string text)
    {
        if (Interactive)
            AnsiConsole.MarkupLine(Markup.Escape(text));
        else
            Writer.WriteLine(text);
    }

    /// <summary>A result line <c>name: value</c>; numbers in invariant culture.</summary>
    public void Value(string name, object value)
    {
        var text = value switch
        {
            double d => d.ToString("0.######", CultureInfo.InvariantCulture),
            float f => f.ToString("0.######", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        Writer.WriteLine($"{name}: {text}");
    }

    /// <summary>Runs <paramref name="work"/>, with a spinner showing its latest status on a terminal.</summary>
    public T WithStatus<T>(string initial, Func<Action<string>, T> work)
    {
        if (!Interactive)
            return work(_ => { });
        return AnsiConsole.Status().Spinner(Spinner.Known.Dots).Start(Markup.Escape(initial), ctx => work(s => ctx.Status(Markup.Escape(s))));
    }

    /// <summary>An error line on stderr.</summary>
    public static void Error(string message) => Console.Error.WriteLine($"error: {message}");
}
