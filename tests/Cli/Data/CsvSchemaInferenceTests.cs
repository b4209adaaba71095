using DeepML.Cli.Data;

namespace DeepML.Cli.Tests.Data;

public sealed class CsvSchemaInferenceTests
{
    private static string[] Lines(string header, Func<int, string> row, int count = 40) => [header, .. Enumerable.Range(0, count).Select(row)];

    [Fact]
    public void Kinds_follow_the_values()
    {
        var path = Repository.Csv("kinds", Lines("id,age,city,comment,const,code,when,label",
            i => $"{i + 1},{20 + i % 30},{(i % 3 == 0 ? "Oslo" : i % 3 == 1 ? "Bergen" : "\"Trond, heim\"")},\"word{i} and some more words\",x,c{i % 300},2013-08-{i % 28 + 1:D2} 06:03:42,{i % 2}", 600));
        var schema = CsvSchemaInference.Infer(path);
        Assert.Equal(',', schema.Separator);
        Assert.True(schema.HasHeader);
        Assert.Equal(600, schema.Rows);
        var kinds = schema.Columns.ToDictionary(c => c.Name, c => c.Kind);
        Assert.Equal(ColumnKind.Ignored, kinds["id"]);            // 1..600 ascending: an identifier
        Assert.Equal(ColumnKind.Numeric, kinds["age"]);
        Assert.Equal(ColumnKind.Categorical, kinds["city"]);      // a quoted comma stays inside the field
        Assert.Equal(3, schema.Columns.Single(c => c.Name == "city").Distinct);
        Assert.Contains(schema.Columns.Single(c => c.Name == "city").TopValues, v => v.Value == "Trond, heim");
        Assert.Equal(ColumnKind.Ignored, kinds["comment"]);       // a distinct value in every row
        Assert.Equal(ColumnKind.Ignored, kinds["const"]);
        Assert.Equal(ColumnKind.HashedCategorical, kinds["code"]); // 300 codes in 600 rows: too many to one-hot, not an identifier
        Assert.Equal(ColumnKind.Ignored, kinds["when"]);
        Assert.Equal("a date or time (derive a number from it, such as days since an event, to use it)", schema.Columns.Single(c => c.Name == "when").Reason);
        Assert.Equal(ColumnKind.Numeric, kinds["label"]);
        var age = schema.Columns.Single(c => c.Name == "age").Numbers!;
        Assert.Equal(Enumerable.Range(0, 600).Average(i => 20.0 + i % 30), age.Mean, 12);
        Assert.Equal(20, age.Min);
        Assert.Equal(49, age.Max);
    }

    [Fact]
    public void Missing_tokens_are_counted_not_parsed()
    {
        var path = Repository.Csv("missing", Lines("x;y", i => $"{(i % 4 == 0 ? "?" : i % 4 == 1 ? "NA" : i.ToString())};{(i % 2 == 0 ? "a" : "b")}"));
        var schema = CsvSchemaInference.Infer(path);
        Assert.Equal(';', schema.Separator);
        var x = schema.Columns[0];
        Assert.Equal(ColumnKind.Numeric, x.Kind);
        Assert.Equal(20, x.Missing);
    }

    [Fact]
    public void A_file_without_a_header_is_detected_from_its_numbers()
    {
        // UCI German Credit: space separated, no header, codes and numbers mixed.
        var schema = CsvSchemaInference.Infer(Repository.Data("german-credit", "german.data.gz"));
        Assert.Equal(' ', schema.Separator);
        Assert.False(schema.HasHeader);
        Assert.Equal(1000, schema.Rows);
        Assert.Equal(21, schema.Columns.Count);
        Assert.Equal("Column1", schema.Columns[0].Name);
        Assert.Equal(ColumnKind.Categorical, schema.Columns[0].Kind); // A11 … A14
        Assert.Equal(4, schema.Columns[0].Distinct);
        Assert.Equal(ColumnKind.Numeric, schema.Columns[1].Kind);     // duration in months
        Assert.Equal(700, schema.Columns[20].TopValues.Single(v => v.Value == "1").Count); // 700 good, 300 bad (UCI's documentation)
    }

    [Fact]
    public void Repeated_names_get_suffixes()
    {
        Assert.Equal(["a", "b", "a_2", "A_3", "b_2"], CsvSchemaInference.Deduplicate(["a", "b", "a", "A", "b"]));
    }

    [Fact]
    public void Ragged_lines_are_reported_with_their_number()
    {
        var path = Repository.Csv("ragged", Lines("a,b,c", i => i == 17 ? "1,2" : "1,2,3", 30));
        var e = Assert.Throws<CliException>(() => CsvSchemaInference.Infer(path, separator: ','));
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
        Assert.Equal("--dataset: line 19 of '" + path + "' has 2 fields, but line 1 has 3 (separator ','). Fix the file, or give the separator with --separator.", e.Message);
    }

    [Fact]
    public void Missing_files_and_tiny_files_say_what_is_needed()
    {
        var missing = Assert.Throws<CliException>(() => CsvSchemaInference.Infer("/no/such/file.csv"));
        Assert.Equal("--dataset: file '/no/such/file.csv' does not exist. Give the path of a CSV file (optionally .csv.gz).", missing.Message);
        var tiny = Repository.Csv("tiny", "a,b", "1,2", "3,4");
        var small = Assert.Throws<CliException>(() => CsvSchemaInference.Infer(tiny));
        Assert.Equal($"--dataset: '{tiny}' has 2 data rows; at least 10 are needed to train and test a model.", small.Message);
    }
}
