using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace DeepML.Fairness;

/// <summary>Validates the input, reads the needed columns once, and computes <see cref="GroupMetrics"/>.</summary>
internal static class GroupMetricsEvaluator
{
    private const string Component = "GroupMetrics";

    private const int MaxBlocks = 1_000_000;

    /// <summary>What a kernel is built from: each row's cell block, the sensitive groups, the number of control values.</summary>
    private sealed record KernelInput(int[] CellOfRow, GroupIndex Index, int Controls, double[]? Weights, int Rows);

    private delegate MetricKernel KernelFactory(KernelInput input);

    public static GroupMetrics Evaluate(MLContext context, IDataView data, GroupMetricsOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (options.SensitiveColumnNames.Count == 0)
            throw new ArgumentException($"{Component}: {FairnessErrors.NoSensitiveColumns}", nameof(options));
        var seed = options.Seed ?? DeriveSeed(context);
        var schema = data.Schema;
        var reader = new ColumnReader();
        var label = Column(schema, "label", options.LabelColumnName);
        var sensitive = options.SensitiveColumnNames.Select(n => reader.AddCategory(CategoryColumn(schema, "sensitive", n))).ToArray();
        var control = options.ControlColumnNames.Select(n => reader.AddCategory(CategoryColumn(schema, "control", n))).ToArray();
        NumberColumn? weight = null;
        if (options.ExampleWeightColumnName is { } wName)
        {
            var w = Column(schema, "example weight", wName);
            if (!FairnessColumnTypes.IsRealScalar(w.Type))
                throw ColumnChecks.Mismatch(Component, "example weight", w, "Single or Double", "Convert the weights with ml.Transforms.Conversion.ConvertType.");
            weight = reader.AddNumber(w);
        }
        KernelFactory build = options.Task switch
        {
            PredictionKind.BinaryClassification => PrepareBinary(schema, reader, label, options),
            PredictionKind.Regression => PrepareRegression(schema, reader, label, options),
            _ => PrepareMulticlass(schema, reader, label, options),
        };
        var rows = reader.Read(data, options.CancellationToken);
        if (rows == 0)
            throw new ArgumentException($"{Component}: {FairnessErrors.NoRows}", nameof(data));
        foreach (var s in sensitive)
            if (s.Levels.Count < 2)
                throw new ArgumentException($"{Component}: sensitive column '{s.Column.Name}' {FairnessErrors.SingleGroup} (only value '{s.Levels[0]}' in {rows} rows)", nameof(data));
        var index = GroupIndex.Build(sensitive, rows);
        var controls = control.Length == 0 ? null : GroupIndex.Build(control, rows, "control");
        var cells = Cells(index, controls, rows);
        var kernel = build(new KernelInput(cells, index, controls?.Groups.Length ?? 0, weight is null ? null : CheckWeights(weight), rows));
        var frames = kernel.Evaluate(null, new double[kernel.StatsLength]);
        var intervals = options.BootstrapResamples > 0
            ? Bootstrap.Run(kernel, options.BootstrapResamples, seed, options.ConfidenceLevel, options.Progress, options.CancellationToken)
            : null;
        var setup = new GroupMetricsSetup(options.Task, options.SensitiveColumnNames, options.ControlColumnNames, kernel.MeasureNames, options.BootstrapResamples, seed);
        return Assemble(setup, kernel, frames, intervals, index, controls, cells);
    }

    /// <summary>
    /// Wraps the frames as <see cref="GroupMetrics"/>: the only frame without controls; with them the
    /// pooled frame, holding one result per control value whose groups carry the cell row counts.
    /// </summary>
    private static GroupMetrics Assemble(GroupMetricsSetup setup, MetricKernel kernel, FrameValues[] frames, Bootstrap.FrameIntervals[]? intervals,
        GroupIndex index, GroupIndex? controls, int[] cells)
    {
        GroupMetrics Frame(int f, FairnessGroup? control, FairnessGroup[] groups, int rows, GroupMetrics[] byControl) =>
            new(setup, control, groups,
                kernel.MetricNames.Select((n, m) => new MetricSummary(n, frames[f].Slots[m], intervals?[f].Metrics[m])).ToArray(),
                frames[f].Measures, intervals?[f].Measures, rows, byControl);
        if (controls is null)
            return Frame(0, null, index.Groups, cells.Length, []);
        var cellRows = new int[kernel.Blocks];
        foreach (var cell in cells)
            cellRows[cell]++;
        var g1 = index.Groups.Length + 1;
        var byControl = controls.Groups.Select(c => Frame(c.Index, c,
            index.Groups.Select(g => new FairnessGroup(g.Index, g.Values, cellRows[c.Index * g1 + g.Index])).ToArray(), c.RowCount, [])).ToArray();
        return Frame(controls.Groups.Length, null, index.Groups, cells.Length, byControl);
    }

    /// <summary>Each row's cell block c·(G + 1) + g (see <see cref="MetricKernel"/>); c = 0 without control columns.</summary>
    private static int[] Cells(GroupIndex index, GroupIndex? controls, int rows)
    {
        var g1 = index.Groups.Length + 1;
        if (controls is null)
            return index.GroupOfRow;
        var blocks = (controls.Groups.Length + 1L) * g1;
        if (blocks > MaxBlocks)
            throw new ArgumentException($"{Component}: the control columns make {controls.Groups.Length} values and the sensitive columns {index.Groups.Length} groups, {blocks} cells with the totals; expected at most {MaxBlocks:N0}. Bin numeric control or sensitive features into a few ranges first.", "data");
        var cells = new int[rows];
        for (var i = 0; i < rows; i++)
            cells[i] = controls.GroupOfRow[i] * g1 + index.GroupOfRow[i];
        return cells;
    }

    /// <summary>The seed DeepML.Fairness takes from the context when the options give none.</summary>
    internal static int DeriveSeed(MLContext context) =>
        ((IHostEnvironment)context).Register("DeepML.Fairness").Rand.Next();

    private static DataViewSchema.Column Column(DataViewSchema schema, string role, string name) =>
        ColumnChecks.Find(schema, Component, role, name);

    /// <summary>A sensitive or control column: found, and of a type read as categories (one value per row).</summary>
    private static DataViewSchema.Column CategoryColumn(DataViewSchema schema, string role, string name)
    {
        var c = Column(schema, role, name);
        if (c.Type is not TextDataViewType && !ColumnReader.IsNumberLike(c.Type))
            throw ColumnChecks.Mismatch(Component, role, c, "a scalar Text, Boolean, key or number", role == "control"
                ? "Control features must be one value per row (for example an income band); split vectors into scalar columns, or bin them into a few ranges first."
                : "Sensitive features must be one value per row; split vectors into scalar columns first.");
        return c;
    }

    private static KernelFactory PrepareBinary(DataViewSchema schema, ColumnReader reader, DataViewSchema.Column label, GroupMetricsOptions o)
    {
        if (o.PredictedLabelColumnName is null && o.ScoreColumnName is null)
            throw new ArgumentException($"{Component}: binary classification needs PredictedLabelColumnName or ScoreColumnName; both are null. Set PredictedLabelColumnName (usually \"PredictedLabel\") or a score column with ScoreThreshold.", nameof(o));
        var predicted = o.PredictedLabelColumnName is { } pName ? Column(schema, "predicted label", pName) : (DataViewSchema.Column?)null;
        foreach (var (c, role) in new[] { (label, "label"), (predicted, "predicted label") })
            if (c is { } col && !FairnessColumnTypes.IsBinaryLike(col.Type))
                throw ColumnChecks.Mismatch(Component, role, col, "Boolean, Single, Double, Int32 or Int64 holding two classes",
                    "For a multiclass model use PredictionKind.MulticlassClassification; otherwise convert the column to Boolean.");
        var y = reader.AddNumber(label);
        var p = predicted is { } pc ? reader.AddNumber(pc) : null;
        var s = o.ScoreColumnName is { } sName ? reader.AddNumber(ScoreColumn(schema, sName, "the AUC")) : null;
        return input =>
        {
            var score = s is null ? null : CheckFinite(s, "score");
            var code = new byte[input.Rows];
            for (var i = 0; i < code.Length; i++)
                code[i] = (byte)(2 * Binary(y, i) + (p is null ? (score![i] > o.ScoreThreshold ? 1 : 0) : Binary(p, i)));
            var privileged = o.PrivilegedGroup is null ? -1 : PrivilegedIndex(input.Index, o.PrivilegedGroup);
            var settings = new BinaryMeasureSettings(o.Comparison, privileged, o.EntropyAlpha, o.EdfConcentration);
            return BinaryKernel.Create(input.CellOfRow, input.Index.Groups.Length, input.Controls, input.Weights, code, score, settings);
        };
    }

    private static KernelFactory PrepareRegression(DataViewSchema schema, ColumnReader reader, DataViewSchema.Column label, GroupMetricsOptions o)
    {
        if (!FairnessColumnTypes.IsRealScalar(label.Type))
            throw ColumnChecks.Mismatch(Component, "label", label, "Single or Double", "Regression labels are real numbers; convert the column with ml.Transforms.Conversion.ConvertType.");
        var scoreName = o.ScoreColumnName ?? throw new ArgumentException($"{Component}: regression needs GroupMetricsOptions.ScoreColumnName (the prediction); it is null. Set it, usually to \"Score\".", nameof(o));
        var y = reader.AddNumber(label);
        var p = reader.AddNumber(ScoreColumn(schema, scoreName, "the regression prediction"));
        return input => new RegressionKernel(input.CellOfRow, input.Index.Groups.Length, input.Controls, input.Weights, CheckFinite(y, "label"), CheckFinite(p, "score"));
    }

    private static KernelFactory PrepareMulticlass(DataViewSchema schema, ColumnReader reader, DataViewSchema.Column label, GroupMetricsOptions o)
    {
        var predicted = Column(schema, "predicted label", o.PredictedLabelColumnName
            ?? throw new ArgumentException($"{Component}: multiclass evaluation needs PredictedLabelColumnName; it is null. Set it, usually to \"PredictedLabel\".", nameof(o)));
        foreach (var (c, role) in new[] { (label, "label"), (predicted, "predicted label") })
            if (c.Type is VectorDataViewType || !(c.Type is KeyDataViewType || c.Type is TextDataViewType || FairnessColumnTypes.IsRealScalar(c.Type) || c.Type == NumberDataViewType.Int32))
                throw ColumnChecks.Mismatch(Component, role, c, "a scalar key, Text or number naming the class",
                    "Pass the PredictedLabel column (a key), not the Score vector.");
        var y = reader.AddCategory(label);
        var p = reader.AddCategory(predicted);
        return input =>
        {
            var rows = input.Rows;
            var classes = y.Levels.Concat(p.Levels).Distinct().ToList();
            var lookup = classes.Select((n, i) => (n, i)).ToDictionary(t => t.n, t => t.i);
            var yMap = y.Levels.Select(n => lookup[n]).ToArray();
            var pMap = p.Levels.Select(n => lookup[n]).ToArray();
            var yc = new int[rows];
            var pc = new int[rows];
            for (var i = 0; i < rows; i++)
            {
                yc[i] = yMap[y.Codes[i]];
                pc[i] = pMap[p.Codes[i]];
            }
            return new MulticlassKernel(input.CellOfRow, input.Index.Groups.Length, input.Controls, input.Weights, yc, pc, classes);
        };
    }

    private static DataViewSchema.Column ScoreColumn(DataViewSchema schema, string name, string purpose)
    {
        var c = Column(schema, "score", name);
        if (!FairnessColumnTypes.IsRealScalar(c.Type))
            throw ColumnChecks.Mismatch(Component, "score", c, $"a scalar Single or Double for {purpose}",
                c.Type is VectorDataViewType ? "A vector score comes from a multiclass model: use PredictionKind.MulticlassClassification with the PredictedLabel column." : "Convert the column with ml.Transforms.Conversion.ConvertType.");
        return c;
    }

    private static int Binary(NumberColumn c, int row) => c.Values[row] switch
    {
        1 => 1,
        0 or -1 => 0,
        var v => throw new ArgumentException($"{Component}: column '{c.Column.Name}' has value {v} at row {row}; {FairnessErrors.BadBinaryValue}", "data"),
    };

    private static double[] CheckWeights(NumberColumn c)
    {
        for (var i = 0; i < c.Values.Length; i++)
            if (!(c.Values[i] >= 0) || double.IsInfinity(c.Values[i]))
                throw new ArgumentException($"{Component}: example weight column '{c.Column.Name}' has value {c.Values[i]} at row {i}; {FairnessErrors.BadWeight}", "data");
        return c.Values;
    }

    private static double[] CheckFinite(NumberColumn c, string role)
    {
        for (var i = 0; i < c.Values.Length; i++)
            if (!double.IsFinite(c.Values[i]))
                throw new ArgumentException($"{Component}: {role} column '{c.Column.Name}' has value {c.Values[i]} at row {i}; {FairnessErrors.NonFiniteValue}", "data");
        return c.Values;
    }

    private static int PrivilegedIndex(GroupIndex index, string name) =>
        Array.FindIndex(index.Groups, g => g.Name == name) is var i and >= 0 ? i
            : throw new ArgumentException($"{Component}: the privileged group '{name}' does not exist; expected one of {string.Join(", ", index.Groups.Select(g => $"'{g.Name}'"))}. Set GroupMetricsOptions.PrivilegedGroup to one of those names.", nameof(GroupMetricsOptions.PrivilegedGroup));
}
