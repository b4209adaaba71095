using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Fairness.Tests.Data;

/// <summary>
/// A DeepML-style component written the way src/Core/README.md ("Building your own component") shows,
/// against Core's public kit only: this test project, like an outside author's, has no access to Core's
/// internals. It thresholds a Single score into ML.NET's Boolean PredictedLabel.
/// </summary>
public sealed class OutsideAuthorComponentTests
{
    /// <summary>The README's example component.</summary>
    private sealed class ThresholdEstimator(MLContext ml, string scoreColumnName, float threshold) : IEstimator<ITransformer>
    {
        private const string Component = "ThresholdEstimator";
        private const string Expected = "Single";
        private const string Fix = "Pass the Single score column of a binary classifier.";

        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            ColumnChecks.Require(inputSchema, Component, "score", scoreColumnName,
                c => ColumnChecks.IsScalarOf(c, NumberDataViewType.Single), Expected, Fix);
            return SchemaShapes.With(inputSchema, (ScoringHead.PredictedLabel, BooleanDataViewType.Instance));
        }

        public ITransformer Fit(IDataView input)
        {
            var score = ColumnChecks.Find(input.Schema, Component, "score", scoreColumnName);
            if (score.Type != NumberDataViewType.Single)
                throw ColumnChecks.Mismatch(Component, "score", score, Expected, Fix);
            var t = threshold.ToString("R", CultureInfo.InvariantCulture);
            return ml.Transforms.Expression(ScoringHead.PredictedLabel, $"s => s > {t}", scoreColumnName).Fit(input);
        }
    }

    private sealed class Row
    {
        public float Score { get; set; }
        public string Group { get; set; } = "";
    }

    private sealed class Prediction
    {
        public bool PredictedLabel { get; set; }
    }

    private static readonly MLContext Ml = new(seed: 1);

    private static IDataView Data() => Ml.Data.LoadFromEnumerable(new[] { -1f, 0.2f, 0.5f, 0.51f, 3f }.Select(s => new Row { Score = s, Group = "a" }));

    [Fact]
    public void TheComponentPromisesAndGivesMLNetsPredictedLabel()
    {
        var estimator = new ThresholdEstimator(Ml, "Score", 0.5f);
        var promised = estimator.GetOutputSchema(SchemaShapes.FromSchema(Data().Schema)).Single(c => c.Name == "PredictedLabel");
        Assert.Equal(BooleanDataViewType.Instance, promised.ItemType);
        Assert.Equal(SchemaShape.Column.VectorKind.Scalar, promised.Kind);
        var labels = Ml.Data.CreateEnumerable<Prediction>(estimator.Fit(Data()).Transform(Data()), reuseRowObject: false).Select(p => p.PredictedLabel);
        Assert.Equal([false, false, false, true, true], labels);   // s > 0.5, strictly
    }

    [Fact]
    public void TheComponentsErrorsAreDeepMLsWording()
    {
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => new ThresholdEstimator(Ml, "Logit", 0).Fit(Data()));
        Assert.Equal("ThresholdEstimator: score column 'Logit' was not found. Available columns: 'Score', 'Group'. Pass the right column name in the options or add the column to the pipeline.",
            missing.Message.Split(" (Parameter")[0]);
        var wrongAtShape = Assert.Throws<ArgumentOutOfRangeException>(() => new ThresholdEstimator(Ml, "Group", 0).GetOutputSchema(SchemaShapes.FromSchema(Data().Schema)));
        var wrongAtFit = Assert.Throws<ArgumentOutOfRangeException>(() => new ThresholdEstimator(Ml, "Group", 0).Fit(Data()));
        const string expected = "ThresholdEstimator: schema mismatch for score column 'Group': expected Single, got String. Pass the Single score column of a binary classifier.";
        Assert.Equal(expected, wrongAtShape.Message.Split(" (Parameter")[0]);
        Assert.Equal(expected, wrongAtFit.Message.Split(" (Parameter")[0]);
    }
}
