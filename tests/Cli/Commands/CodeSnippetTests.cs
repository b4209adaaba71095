using System.Reflection;
using DeepML.Cli.Output;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DeepML.Cli.Tests.Commands;

[Collection(GermanCreditCollection.Name)]
public sealed class CodeSnippetTests(GermanCreditRun run)
{
    [Theory]
    [InlineData("age", "Age")]
    [InlineData("capital-gain", "CapitalGain")]
    [InlineData("two_year_recid", "TwoYearRecid")]
    [InlineData("1st", "Column1st")]
    [InlineData("ModelInput", "ModelInputValue")]
    public void Column_names_become_CSharp_identifiers(string column, string identifier) =>
        Assert.Equal(identifier, CodeSnippet.Identifier(column));

    [Fact]
    public void The_written_snippet_compiles_and_predicts_with_the_saved_model()
    {
        run.Train.Succeeded();
        var source = File.ReadAllText(Path.Combine(run.Output, "Predict.cs"));
        var references = AppDomain.CurrentDomain.GetAssemblies()
            .Concat(new[] { typeof(Microsoft.ML.MLContext).Assembly, typeof(DeepML.ScoringOptions).Assembly, typeof(Microsoft.ML.Data.ColumnNameAttribute).Assembly })
            .Where(a => !a.IsDynamic && a.Location.Length > 0).Select(a => a.Location).Distinct()
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("Snippet", [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            references, new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        var entry = Assembly.Load(image.ToArray()).EntryPoint!;
        var output = new StringWriter();
        lock (ConsoleLock.Gate)
        {
            var original = Console.Out;
            Console.SetOut(output);
            try
            {
                entry.Invoke(null, [new[] { run.Model }]);
            }
            finally
            {
                Console.SetOut(original);
            }
        }
        Assert.Matches(@"^credit = 2: (True|False) \(probability 0\.\d{3}\)$", output.ToString().Trim());
    }
}

internal static class ConsoleLock
{
    public static readonly object Gate = new();
}
