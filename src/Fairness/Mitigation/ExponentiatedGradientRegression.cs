using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace DeepML.Fairness;

/// <summary>
/// ExponentiatedGradient for regression with Fairlearn's <c>BoundedGroupLoss</c>: repeatedly fits any
/// ML.NET regression trainer that accepts example weights, on the original labels reweighted by group,
/// and returns a mixture of the fitted regressors whose mean loss in every group is at most ζ
/// (<see cref="ExponentiatedGradientRegressionOptions.UpperBound"/>) while its overall mean loss is as
/// small as the reduction finds.
/// </summary>
/// <remarks>
/// Input: the feature vector (known-size Single), the label (Single or Double) and the sensitive
/// columns; the label and the sensitive columns are read by <c>Fit</c> only. Output: <c>Score</c>
/// (Single) = Σ_h Q(h)·h(x), the expected value of the randomised mixture, as Fairlearn's
/// <c>ExponentiatedGradient.predict</c> returns for regression; so <c>ml.Regression.Evaluate</c> works.
/// The constraint holds for the randomised mixture (each row scored by one predictor drawn from Q); while
/// the members' predictions stay in the label range both losses are convex in the prediction, so by Jensen's
/// inequality the averaged Score's group losses are no larger (clipping makes them non-convex outside it).
/// Deterministic: no draw at prediction time; the fit is as deterministic as the trainer (for example
/// SDCA with one thread). The fitted transformer is a chain of ML.NET built-ins (the trainers' own
/// transformers, CopyColumns, Expression, DropColumns), so <c>ml.Model.Save</c>/<c>Load</c> work with
/// plain ML.NET when the trainer's transformers are saveable. Not ONNX-exportable (Expression); CPU only.
/// Reports iterations to <see cref="ExponentiatedGradientRegressionOptions.Progress"/> and MLContext.Log.
/// </remarks>
public sealed class ExponentiatedGradientRegressionEstimator : IEstimator<ExponentiatedGradientRegressionTransformer>
{
    private const string Component = "ExponentiatedGradientRegression";
    private readonly MLContext _context;
    private readonly Func<string, string, IEstimator<ITransformer>> _trainer;

    internal ExponentiatedGradientRegressionEstimator(MLContext context, Func<string, string, IEstimator<ITransformer>> trainer, ExponentiatedGradientRegressionOptions options)
    {
        _context = context;
        _trainer = trainer;
        Options = options;
    }

    /// <summary>The options this estimator was made with.</summary>
    public ExponentiatedGradientRegressionOptions Options { get; }

    private sealed class OracleRow
    {
        public float[] Features { get; set; } = [];
        public float Label { get; set; }
        public float Weight { get; set; }
    }

    private sealed class ScoreRow
    {
        public float Score { get; set; }
    }

    /// <inheritdoc />
    public ExponentiatedGradientRegressionTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = Options;
        var (featureColumn, vt) = OracleData.CheckFeatures(input.Schema, Component, o.FeatureColumnName);
        var (label, index) = MitigationData.ReadRegression(input, Component, o.LabelColumnName, o.SensitiveColumnNames, o.CancellationToken);
        var rows = OracleData.ReadFeatures(input, featureColumn, vt.Size, label.Length)
            .Select((x, i) => new OracleRow { Features = x, Label = (float)label[i], Weight = 1 }).ToArray();
        var view = OracleData.View(_context, rows, o.FeatureColumnName, vt.Size);
        var min = o.LabelMinimum ?? label.Min();
        var max = o.LabelMaximum ?? label.Max();
        var moment = new BoundedGroupLossMoment(o.Loss, min, max, label, index.GroupOfRow, index.Groups.Length);
        ReductionPredictor Oracle(double[] lambda)
        {
            // A weighted regression on the original labels: see BoundedGroupLossMoment's remarks for the weights.
            var weights = moment.OracleWeights(lambda);
            for (var i = 0; i < rows.Length; i++)
                rows[i].Weight = (float)weights[i];
            var model = _trainer(OracleData.Label, OracleData.Weight).Fit(view);
            var predictions = _context.Data.CreateEnumerable<ScoreRow>(model.Transform(view), false).Select(r => (double)r.Score).ToArray();
            return new ReductionPredictor(model, 0, predictions, moment.MeanLoss(predictions), moment.Gamma(predictions));
        }
        var host = ((IHostEnvironment)_context).Register("DeepML.Fairness.ExponentiatedGradientRegression");
        using var channel = host.Start("Fit");
        var lagrangian = new Lagrangian(moment.Count, o.UpperBound, 1 / o.Eps, Oracle, o.CancellationToken);
        var settings = new ExponentiatedGradientSolver.Settings(o.Eps, o.Nu, o.Eta0, o.MaxIterations, o.RunLinearProgramStep, o.UpperBound, o.Progress, o.CancellationToken);
        var result = ExponentiatedGradientSolver.Run(lagrangian, moment.Count, label, settings, m => channel.Info(MessageSensitivity.None, m));
        var members = lagrangian.Predictors.Select((p, k) => (p, w: result.Weights[k])).Where(t => t.w > 0).ToArray();
        var chain = ExponentiatedGradientChain.BuildRegression(_context, members.Select(m => ((ITransformer)m.p.Model!, m.w)).ToArray(), input);
        // The group losses of the randomised mixture on the training rows: Σ_h Q(h)·γ_a(h).
        var groupLoss = new double[moment.Count];
        foreach (var (p, w) in members)
            for (var g = 0; g < groupLoss.Length; g++)
                groupLoss[g] += w * p.Gamma[g];
        var losses = index.Groups.Where(g => !g.IsEmpty).ToDictionary(g => g.Name, g => groupLoss[g.Index]);
        var features = o.FeatureColumnName;
        void CheckInput(DataViewSchema s) => OracleData.CheckFeatures(s, Component, features);
        return new ExponentiatedGradientRegressionTransformer(chain, CheckInput, members.Select(m => m.w).ToArray(), losses,
            (min, max), result.BestGap, result.Iterations, result.OracleCalls);
    }



    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        OracleData.CheckFeatures(inputSchema, Component, Options.FeatureColumnName);
        MitigationData.CheckRegressionLabel(inputSchema, Component, Options.LabelColumnName);
        MitigationData.CheckShape(inputSchema, Component, null, null, Options.SensitiveColumnNames, null);
        return SchemaShapes.With(inputSchema, ("Score", NumberDataViewType.Single));
    }
}

/// <summary>
/// Fitted <see cref="ExponentiatedGradientRegressionEstimator"/>: the mixture of regressors, scoring
/// Score = Σ_h Q(h)·h(x). Does its work through, and saves as, a chain of ML.NET built-in transformers.
/// </summary>
public sealed class ExponentiatedGradientRegressionTransformer : BuiltInChainTransformer
{
    internal ExponentiatedGradientRegressionTransformer(ITransformer inner, Action<DataViewSchema> checkInput, double[] weights,
        IReadOnlyDictionary<string, double> groupLosses, (double Min, double Max) range, double gap, int iterations, int oracleCalls)
        : base(inner, checkInput)
    {
        Weights = weights;
        GroupLosses = groupLosses;
        LabelMinimum = range.Min;
        LabelMaximum = range.Max;
        BestGap = gap;
        Iterations = iterations;
        OracleCalls = oracleCalls;
    }

    /// <summary>The mixture weights Q(h) of the predictors kept (those with positive weight).</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>Each non-empty group's mean training loss under the randomised mixture, Σ_h Q(h)·γ_a(h), by group name.</summary>
    public IReadOnlyDictionary<string, double> GroupLosses { get; }

    /// <summary>The lower end of the label range the loss clipped to.</summary>
    public double LabelMinimum { get; }

    /// <summary>The upper end of the label range the loss clipped to.</summary>
    public double LabelMaximum { get; }

    /// <summary>The duality gap of the returned mixture (Fairlearn's <c>best_gap_</c>).</summary>
    public double BestGap { get; }

    /// <summary>Iterations run.</summary>
    public int Iterations { get; }

    /// <summary>Trainer fits (Fairlearn's <c>n_oracle_calls_</c>).</summary>
    public int OracleCalls { get; }
}

/// <summary>Catalog entry for <see cref="ExponentiatedGradientRegressionEstimator"/>.</summary>
public static partial class FairnessCatalogExtensions
{
    /// <summary>
    /// ExponentiatedGradient with a bounded group loss (Fairlearn's <c>BoundedGroupLoss</c>) over any
    /// regression trainer that accepts example weights.
    /// </summary>
    /// <param name="catalog">The fairness catalog.</param>
    /// <param name="trainer">Makes the trainer from (labelColumnName, exampleWeightColumnName), for example
    /// <c>(label, weight) =&gt; ml.Regression.Trainers.Sdca(label, "Features", weight)</c>.</param>
    /// <param name="sensitiveColumnNames">The sensitive columns.</param>
    /// <param name="upperBound">ζ, the bound on every group's mean loss.</param>
    /// <param name="loss">The loss.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="featureColumnName">The feature vector column.</param>
    public static ExponentiatedGradientRegressionEstimator ExponentiatedGradientRegression(this DeepMLCatalog.FairnessCatalog catalog,
        Func<string, string, IEstimator<ITransformer>> trainer, IReadOnlyList<string> sensitiveColumnNames, double upperBound,
        GroupLoss loss = GroupLoss.Square, string labelColumnName = "Label", string featureColumnName = "Features") =>
        catalog.ExponentiatedGradientRegression(trainer, new ExponentiatedGradientRegressionOptions
        {
            SensitiveColumnNames = sensitiveColumnNames, UpperBound = upperBound, Loss = loss, LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName,
        });

    /// <summary>ExponentiatedGradientRegression with explicit options.</summary>
    /// <param name="catalog">The fairness catalog.</param>
    /// <param name="trainer">Makes the regression trainer from (labelColumnName, exampleWeightColumnName).</param>
    /// <param name="options">The options.</param>
    public static ExponentiatedGradientRegressionEstimator ExponentiatedGradientRegression(this DeepMLCatalog.FairnessCatalog catalog,
        Func<string, string, IEstimator<ITransformer>> trainer, ExponentiatedGradientRegressionOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(options);
        return new ExponentiatedGradientRegressionEstimator(catalog.Context, trainer, options);
    }
}
