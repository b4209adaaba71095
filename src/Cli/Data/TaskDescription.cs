using System.Globalization;
using System.Text.Json.Serialization;

namespace DeepML.Cli.Data;

/// <summary>The three tasks <c>deepml train</c> can do.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaskKind>))]
internal enum TaskKind
{
    /// <summary>Two classes; the main metric is AUC.</summary>
    Binary,

    /// <summary>Three or more classes; the main metric is macro accuracy.</summary>
    Multiclass,

    /// <summary>A numeric target; the main metric is R².</summary>
    Regression,
}

/// <summary>The task and how the label column's values become ML.NET's label.</summary>
/// <param name="Task">The task.</param>
/// <param name="LabelColumn">The label column's name in the file.</param>
/// <param name="PositiveClass">Binary: the label value that is "true".</param>
/// <param name="Classes">Binary and multiclass: the label values, in key order (binary: negative, positive).</param>
internal sealed record TaskDescription(TaskKind Task, string LabelColumn, string? PositiveClass, IReadOnlyList<string> Classes)
{
    /// <summary>The main metric's name in <c>name: value</c> lines.</summary>
    [JsonIgnore]
    public string MainMetric => Task switch
    {
        TaskKind.Binary => "auc",
        TaskKind.Multiclass => "macro_accuracy",
        _ => "r_squared",
    };

    /// <summary>Parses <c>--task</c>: binary, multiclass, regression or auto (null).</summary>
    public static TaskKind? ParseTask(string value) => value.ToLowerInvariant() switch
    {
        "binary" or "binary-classification" => TaskKind.Binary,
        "multiclass" or "multiclass-classification" => TaskKind.Multiclass,
        "regression" => TaskKind.Regression,
        "auto" => null,
        _ => throw new CliException(ExitCodes.BadInput, $"--task: '{value}' is not a task. Use binary, multiclass, regression or auto."),
    };

    /// <summary>
    /// Decides the task (when not given) and the label's classes from the label column's values:
    /// two values ⇒ binary; a numeric column with more than 20 values ⇒ regression; else multiclass.
    /// </summary>
    public static TaskDescription Infer(DatasetSchema schema, string labelName, TaskKind? task, string? positiveClass)
    {
        var label = schema.Find(labelName, "--label");
        var values = DistinctValues(label);
        if (label.Distinct == 0)
            throw new CliException(ExitCodes.BadInput, $"--label: every value of column '{label.Name}' is missing.");
        var numeric = label.Numbers is not null;
        if (label.Distinct > values.Count && task != TaskKind.Regression && !numeric)
            throw new CliException(ExitCodes.BadInput, $"--label: column '{label.Name}' has more than {values.Count:N0} distinct text values; it looks like an identifier or free text, not a label.");
        var kind = task ?? (values.Count == 2 ? TaskKind.Binary : numeric && label.Distinct > 20 ? TaskKind.Regression : TaskKind.Multiclass);
        switch (kind)
        {
            case TaskKind.Regression:
                if (!numeric)
                    throw new CliException(ExitCodes.BadInput, $"--label: column '{label.Name}' holds non-numeric values (e.g. '{label.TopValues.FirstOrDefault(v => !CsvSchemaInference.IsNumber(v.Value))?.Value}'), so it cannot be a regression target. Use --task binary or multiclass, or pick a numeric column.");
                return new TaskDescription(kind, label.Name, null, []);
            case TaskKind.Binary:
                if (values.Count != 2)
                    throw new CliException(ExitCodes.BadInput, $"--task binary: label column '{label.Name}' has {values.Count} distinct values ({Preview(values)}); binary classification needs exactly 2. Use --task multiclass, or --task regression for a numeric target.");
                var positive = positiveClass ?? DefaultPositive(label, values);
                if (!values.Contains(positive))
                    throw new CliException(ExitCodes.BadInput, $"--positive-class: '{positive}' is not a value of label column '{label.Name}'. Its values are {Preview(values)}.");
                return new TaskDescription(kind, label.Name, positive, [values.Single(v => v != positive), positive]);
            default:
                if (label.Distinct > 1000)
                    throw new CliException(ExitCodes.BadInput, $"--task multiclass: label column '{label.Name}' has more than 1,000 distinct values; at most 1,000 classes are supported. Did you mean --task regression?");
                if (values.Count < 2)
                    throw new CliException(ExitCodes.BadInput, $"--label: column '{label.Name}' has {values.Count} distinct value(s); classification needs at least 2.");
                return new TaskDescription(kind, label.Name, null, values);
        }
    }

    private static List<string> DistinctValues(InferredColumn label) =>
        label.Numbers is not null
            ? [.. label.AllValues.OrderBy(v => double.Parse(v, CultureInfo.InvariantCulture))]
            : [.. label.AllValues.Order(StringComparer.Ordinal)];

    /// <summary>1 of {0, 1}, true of {false, true}, yes of {no, yes} (also y/n, t/f), ignoring case; otherwise the rarer value (ties: the later in order).</summary>
    private static string DefaultPositive(InferredColumn label, List<string> values)
    {
        string[][] pairs = [["0", "1"], ["false", "true"], ["no", "yes"], ["n", "y"], ["f", "t"]];
        foreach (var pair in pairs)
        {
            var negative = values.FirstOrDefault(v => string.Equals(v, pair[0], StringComparison.OrdinalIgnoreCase));
            var positive = values.FirstOrDefault(v => string.Equals(v, pair[1], StringComparison.OrdinalIgnoreCase));
            if (negative is not null && positive is not null)
                return positive;
        }
        var counts = label.TopValues.ToDictionary(v => v.Value, v => v.Count);
        return counts[values[0]] < counts[values[1]] ? values[0] : values[1];
    }

    private static string Preview(IReadOnlyList<string> values) =>
        string.Join(", ", values.Take(8).Select(v => $"'{v}'")) + (values.Count > 8 ? ", …" : "");
}
