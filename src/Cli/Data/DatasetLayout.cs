namespace DeepML.Cli.Data;

/// <summary>Reads a new file (for evaluate, predict, explain, fairness) with a trained model's column kinds.</summary>
internal static class DatasetLayout
{
    /// <summary>
    /// The training columns placed at the new file's positions: by header name when the file has a
    /// header, else by position (the training order, with or without the label column). Every feature
    /// column must be present; the label too when <paramref name="requireLabel"/>.
    /// </summary>
    public static DatasetSchema Match(DatasetSchema training, TaskDescription task, string path, bool requireLabel)
    {
        var probe = CsvSchemaInference.Infer(path, separator: training.Separator, hasHeader: training.HasHeader, minimumRows: 1);
        var byName = probe.Columns.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
        var columns = new List<InferredColumn>();
        var withoutLabel = !probe.HasHeader && probe.Columns.Count == training.Columns.Count - 1;
        foreach (var column in training.Columns)
        {
            var isLabel = column.Name == task.LabelColumn;
            if (!probe.HasHeader)
            {
                if (isLabel && withoutLabel)
                    continue;
                var index = withoutLabel && column.Index > training.Find(task.LabelColumn, "--label").Index ? column.Index - 1 : column.Index;
                if (index >= probe.Columns.Count)
                    throw new CliException(ExitCodes.BadInput, $"--dataset: '{path}' has {probe.Columns.Count} columns and no header; the model was trained on {training.Columns.Count} ({string.Join(", ", training.Columns.Select(c => c.Name))}). Give a file with the training columns in the training order, or with a header.");
                columns.Add(column with { Index = index });
            }
            else if (byName.TryGetValue(column.Name, out var found))
                columns.Add(column with { Index = found.Index });
            else if (!isLabel && column.Kind != ColumnKind.Ignored)
                throw new CliException(ExitCodes.BadInput, $"--dataset: '{path}' has no column '{column.Name}', which the model reads. Its columns are: {string.Join(", ", probe.Columns.Select(c => c.Name))}.");
        }
        if (requireLabel && columns.All(c => c.Name != task.LabelColumn))
            throw new CliException(ExitCodes.BadInput, $"--dataset: '{path}' has no label column '{task.LabelColumn}'; evaluating a model needs it. Use deepml predict for a file without labels.");
        return probe with { Columns = columns };
    }
}
