using DeepML.Cli.Data;
using DeepML.Cli.Training;
using DeepML.Fairness;

namespace DeepML.Cli.Report;

/// <summary>Everything the HTML report shows, gathered by <c>deepml train</c>.</summary>
internal sealed record ReportContent
{
    public required string DatasetPath { get; init; }

    public required DatasetSchema Schema { get; init; }

    public required TaskDescription Task { get; init; }

    /// <summary>Rows used for training, model selection and the final test.</summary>
    public required (long Train, long Validation, long Test, long Dropped) Rows { get; init; }

    public required IReadOnlyList<TrialResult> Trials { get; init; }

    /// <summary>How the tuning study ran (sampler, pruner, storage).</summary>
    public required string Tuning { get; init; }

    /// <summary>How candidates were scored (<see cref="Selection.Description"/>).</summary>
    public required string Selection { get; init; }

    public required TrialResult Best { get; init; }

    /// <summary>The best model on the test split.</summary>
    public required Evaluation Test { get; init; }

    /// <summary>The default FastTree on the test split (the baseline).</summary>
    public Evaluation? BaselineTest { get; init; }

    public required TimeSpan Budget { get; init; }

    public required TimeSpan Elapsed { get; init; }

    public required int Seed { get; init; }

    /// <summary>Mean |SHAP value| per original column, largest first, and the method's name.</summary>
    public (string Method, IReadOnlyList<(string Feature, double Value)> Features)? Importance { get; init; }

    /// <summary>The SHAP summary (beeswarm) PNG.</summary>
    public byte[]? ShapSummaryPng { get; init; }

    /// <summary>Fairness metrics by the sensitive column's groups, and one bar chart per metric.</summary>
    public (GroupMetrics Metrics, IReadOnlyList<byte[]> Charts)? Fairness { get; init; }

    /// <summary>The files written beside the report.</summary>
    public IReadOnlyList<string> Artifacts { get; init; } = [];

    /// <summary>What the model should not be used for, what was not done, what to watch.</summary>
    public IReadOnlyList<string> Limitations { get; init; } = [];
}
