using DeepML.Cli.Data;

namespace DeepML.Cli.Tests.Data;

public sealed class TaskDescriptionTests
{
    private static DatasetSchema Schema(params string[] labels) =>
        CsvSchemaInference.Infer(Repository.Csv("task", ["x,y", .. labels.Select((l, i) => $"{i},{l}")]));

    [Fact]
    public void Two_values_make_a_binary_task_and_the_positive_class_follows_the_usual_names()
    {
        var zeroOne = TaskDescription.Infer(Schema([.. Enumerable.Repeat("1", 30), .. Enumerable.Repeat("0", 10)]), "y", null, null);
        Assert.Equal(TaskKind.Binary, zeroOne.Task);
        Assert.Equal("1", zeroOne.PositiveClass);                 // 1 of {0, 1}, even when 1 is the common value
        Assert.Equal(["0", "1"], zeroOne.Classes);
        var yesNo = TaskDescription.Infer(Schema([.. Enumerable.Repeat("No", 5), .. Enumerable.Repeat("Yes", 35)]), "y", null, null);
        Assert.Equal("Yes", yesNo.PositiveClass);
        // German Credit's 1 (good) and 2 (bad): no usual pair, so the rarer value, 2.
        var codes = TaskDescription.Infer(Schema([.. Enumerable.Repeat("1", 28), .. Enumerable.Repeat("2", 12)]), "y", null, null);
        Assert.Equal("2", codes.PositiveClass);
        Assert.Equal(["1", "2"], codes.Classes);
    }

    [Fact]
    public void Many_numeric_values_make_regression_and_few_make_multiclass()
    {
        Assert.Equal(TaskKind.Regression, TaskDescription.Infer(Schema([.. Enumerable.Range(0, 40).Select(i => (i * 1.5).ToString(System.Globalization.CultureInfo.InvariantCulture))]), "y", null, null).Task);
        var three = TaskDescription.Infer(Schema([.. Enumerable.Range(0, 40).Select(i => (i % 3).ToString())]), "y", null, null);
        Assert.Equal(TaskKind.Multiclass, three.Task);
        Assert.Equal(["0", "1", "2"], three.Classes);
    }

    [Fact]
    public void Wrong_tasks_and_classes_are_explained()
    {
        var schema = Schema([.. Enumerable.Range(0, 40).Select(i => $"c{i % 3}")]);
        var binary = Assert.Throws<CliException>(() => TaskDescription.Infer(schema, "y", TaskKind.Binary, null));
        Assert.Equal("--task binary: label column 'y' has 3 distinct values ('c0', 'c1', 'c2'); binary classification needs exactly 2. Use --task multiclass, or --task regression for a numeric target.", binary.Message);
        var regression = Assert.Throws<CliException>(() => TaskDescription.Infer(schema, "y", TaskKind.Regression, null));
        Assert.StartsWith("--label: column 'y' holds non-numeric values (e.g. 'c0'), so it cannot be a regression target.", regression.Message);
        var missing = Assert.Throws<CliException>(() => TaskDescription.Infer(schema, "income", null, null));
        Assert.Equal("--label: the data has no column 'income'. Its columns are: x, y.", missing.Message);
        var positive = Assert.Throws<CliException>(() => TaskDescription.Infer(Schema([.. Enumerable.Range(0, 40).Select(i => $"{i % 2}")]), "y", null, "yes"));
        Assert.Equal("--positive-class: 'yes' is not a value of label column 'y'. Its values are '0', '1'.", positive.Message);
    }
}
