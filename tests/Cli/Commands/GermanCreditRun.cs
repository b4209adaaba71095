using System.IO.Compression;

namespace DeepML.Cli.Tests.Commands;

/// <summary>
/// One real <c>deepml train</c> run shared by the command tests: UCI German Credit written as CSV files
/// with a header (the first 800 rows to train on, the last 200 as the test file), label <c>credit</c>
/// (1 good, 2 bad), the sensitive column <c>foreign</c>, a 20-second budget.
/// </summary>
public sealed class GermanCreditRun : IDisposable
{
    public static readonly string[] Columns =
        ["status", "duration", "history", "purpose", "amount", "savings", "employment", "rate", "personal", "debtors", "residence",
         "property", "age", "plans", "housing", "credits", "job", "liable", "telephone", "foreign", "credit"];

    public GermanCreditRun()
    {
        Folder = Repository.Scratch("german");
        using var reader = new StreamReader(new GZipStream(File.OpenRead(Repository.Data("german-credit", "german.data.gz")), CompressionMode.Decompress));
        var rows = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim().Replace(' ', ',')).ToArray();
        TrainCsv = Path.Combine(Folder, "train.csv");
        TestCsv = Path.Combine(Folder, "test.csv");
        UnlabelledCsv = Path.Combine(Folder, "unlabelled.csv");
        File.WriteAllLines(TrainCsv, [string.Join(',', Columns), .. rows[..800]]);
        File.WriteAllLines(TestCsv, [string.Join(',', Columns), .. rows[800..]]);
        File.WriteAllLines(UnlabelledCsv, [string.Join(',', Columns[..^1]), .. rows[800..].Select(r => r[..r.LastIndexOf(',')])]);
        TestRows = [.. rows[800..].Select(r => r.Split(','))];
        Output = Path.Combine(Folder, "out");
        Train = CliRun.Start("train", "--dataset", TrainCsv, "--test-dataset", TestCsv, "--label", "credit", "--sensitive", "foreign",
            "--time", "20", "--output", Output, "--explain-rows", "60");
    }

    public string Folder { get; }

    public string TrainCsv { get; }

    public string TestCsv { get; }

    public string UnlabelledCsv { get; }

    /// <summary>The test file's rows, split into fields.</summary>
    public IReadOnlyList<string[]> TestRows { get; }

    public string Output { get; }

    public string Model => Path.Combine(Output, "model.zip");

    public CliRun Train { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
