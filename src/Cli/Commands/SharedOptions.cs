using System.CommandLine;

namespace DeepML.Cli.Commands;

/// <summary>Options several commands take, spelled the same everywhere.</summary>
internal static class SharedOptions
{
    public static Option<string> Model() => new("--model", "-m") { Description = "The model.zip written by deepml train (its model.deepml.json beside it).", Required = true };

    public static Option<string> Dataset(string description) => new("--dataset", "-d") { Description = description, Required = true };

    public static Option<string> Device() => new("--device") { Description = "cpu or cuda:N, for scoring DeepML networks.", DefaultValueFactory = _ => "cpu" };
}
