using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace DeepML.Fairness;

/// <summary>
/// The reductions approach (Agarwal et al. 2018; Fairlearn's <c>ExponentiatedGradient</c>): repeatedly
/// fits any ML.NET binary trainer that accepts example weights on relabelled, reweighted rows, and
/// returns a randomised mixture of the fitted predictors that satisfies the fairness constraint.
/// </summary>
/// <remarks>
/// Input: the feature vector (known-size Single), the binary label and the sensitive columns (fit only).
/// Output: <c>Score</c> and <c>Probability</c> = P(ŷ = 1 | x) = Σ_h Q(h)·h(x) (the mixture's positive
/// probability, which Fairlearn keeps private) and the randomised <c>PredictedLabel</c> = 1[P &gt; u],
/// u a seeded draw hashed from the first predictor's score. The fitted transformer is a chain of ML.NET
/// built-ins (the trainer's own transformers, CopyColumns, Expression, DropColumns), so
/// <c>ml.Model.Save</c>/<c>Load</c> work when the trainer's transformers are saveable.
/// Cost: each iteration fits the trainer once for the best response and up to four more times for the
/// duality gap. Reports iterations to <see cref="ExponentiatedGradientOptions.Progress"/> and MLContext.Log.
/// </remarks>
public sealed class ExponentiatedGradientEstimator : IEstimator<ExponentiatedGradientTransformer>
{
    private const string Component = "ExponentiatedGradient";
    private readonly MLContext _context;
    private readonly Func<string, string, IEstimator<ITransformer>> _trainer;
    private readonly int _seed;

    internal ExponentiatedGradientEstimator(MLContext context, Func<string, string, IEstimator<ITransformer>> trainer, ExponentiatedGradientOptions options)
    {
        _context = context;
        _trainer = trainer;
        Options = options;
        // Drawn once, here: drawing in Fit would give every Fit of this estimator a different seed.
        _seed = options.Seed ?? GroupMetricsEvaluator.DeriveSeed(context);
    }

    /// <summary>The options this estimator was made with.</summary>
    public ExponentiatedGradientOptions Options { get; }

    private sealed class OracleRow
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
        public float Weight { get; set; }
    }

    /// <inheritdoc />
    public ExponentiatedGradientTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = Options;
        var (featureColumn, vt) = OracleData.CheckFeatures(input.Schema, Component, o.FeatureColumnName);
        var data = MitigationData.Read(input, Component, o.LabelColumnName, null, o.SensitiveColumnNames, null, o.CancellationToken);
        var rows = OracleData.ReadFeatures(input, featureColumn, vt.Size, data.Rows)
            .Select((x, i) => new OracleRow { Features = x, Label = data.Label[i] == 1, Weight = 1 }).ToArray();
        var view = OracleData.View(_context, rows, o.FeatureColumnName, vt.Size);
        var host = ((IHostEnvironment)_context).Register("DeepML.Fairness.ExponentiatedGradient");
        using var channel = host.Start("Fit");
        object? FitOracle(byte[] redY, double[] redW)
        {
            for (var i = 0; i < rows.Length; i++)
            {
                rows[i].Label = redY[i] == 1;
                rows[i].Weight = (float)redW[i];
            }
            return _trainer(OracleData.Label, OracleData.Weight).Fit(view);
        }
        byte[] Predict(object model) => _context.Data.CreateEnumerable<PredictedRow>(((ITransformer)model).Transform(view), false)
            .Select(r => (byte)(r.PredictedLabel ? 1 : 0)).ToArray();
        var moment = new UtilityParityMoment(o.Constraint, data.Label, data.Index.GroupOfRow, data.Index.Groups.Length);
        ReductionPredictor Oracle(double[] lambda) => CostSensitiveOracle(lambda, moment, data.Label, FitOracle, Predict);
        var lagrangian = new Lagrangian(moment.Count, o.DifferenceBound, 1 / o.Eps, Oracle, o.CancellationToken);
        var settings = new ExponentiatedGradientSolver.Settings(o.Eps, o.Nu, o.Eta0, o.MaxIterations, o.RunLinearProgramStep, o.DifferenceBound, o.Progress, o.CancellationToken);
        var result = ExponentiatedGradientSolver.Run(lagrangian, moment.Count, data.Label.Select(y => (double)y).ToArray(), settings, m => channel.Info(MessageSensitivity.None, m));
        var members = lagrangian.Predictors.Select((p, k) => (p, w: result.Weights[k])).Where(t => t.w > 0).ToArray();
        var chain = ExponentiatedGradientChain.Build(_context, members.Select(m => ((ITransformer?)m.p.Model, (byte)m.p.Constant, m.w)).ToArray(), _seed, input);
        // Scoring reads the features only (through the trainer's own transformers).
        var features = o.FeatureColumnName;
        void CheckInput(DataViewSchema schema) => OracleData.CheckFeatures(schema, Component, features);
        return new ExponentiatedGradientTransformer(chain, CheckInput, members.Select(m => m.w).ToArray(), result.BestGap, result.Iterations, result.OracleCalls, _seed);
    }

    /// <summary>
    /// The cost-sensitive best response to λ (Fairlearn's <c>_call_oracle</c> for classification): signed
    /// weight w_i = (2y_i − 1) + the moment's part, relabel to 1[w_i &gt; 0], reweigh by n·|w_i|/Σ|w|, and
    /// fit (a constant predictor when every relabelled row agrees).
    /// </summary>
    private static ReductionPredictor CostSensitiveOracle(double[] lambda, UtilityParityMoment moment, byte[] label,
        Func<byte[], double[], object?> fit, Func<object, byte[]> predict)
    {
        var constraintWeights = moment.SignedWeights(lambda);
        var n = label.Length;
        var redY = new byte[n];
        var redW = new double[n];
        double total = 0;
        for (var i = 0; i < n; i++)
        {
            var w = (2.0 * label[i] - 1) + constraintWeights[i]; // ErrorRate's signed weight is 2y − 1 (unit costs)
            redY[i] = (byte)(w > 0 ? 1 : 0);
            redW[i] = Math.Abs(w);
            total += redW[i];
        }
        for (var i = 0; i < n; i++)
            redW[i] = total > 0 ? n * redW[i] / total : 1;
        var constant = redY[0];
        var model = redY.All(v => v == constant) ? null : fit(redY, redW);
        var predictions = model is null ? Enumerable.Repeat(constant, n).ToArray() : predict(model);
        var wrong = 0;
        for (var i = 0; i < n; i++)
            if (predictions[i] != label[i])
                wrong++;
        return new ReductionPredictor(model, constant, predictions.Select(p => (double)p).ToArray(), (double)wrong / n, moment.Gamma(predictions));
    }


    private sealed class PredictedRow
    {
        public bool PredictedLabel { get; set; }
    }


    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        OracleData.CheckFeatures(inputSchema, Component, Options.FeatureColumnName);
        MitigationData.CheckShape(inputSchema, Component, Options.LabelColumnName, null, Options.SensitiveColumnNames, null);
        return SchemaShapes.With(inputSchema, ("Score", NumberDataViewType.Single), ("Probability", NumberDataViewType.Single), ("PredictedLabel", BooleanDataViewType.Instance));
    }
}

/// <summary>
/// Fitted <see cref="ExponentiatedGradientEstimator"/>: the mixture of predictors. Does its work
/// through, and saves as, a chain of ML.NET built-in transformers.
/// </summary>
public sealed class ExponentiatedGradientTransformer : BuiltInChainTransformer
{
    internal ExponentiatedGradientTransformer(ITransformer inner, Action<DataViewSchema> checkInput, double[] weights, double gap, int iterations, int oracleCalls, int seed)
        : base(inner, checkInput)
    {
        Weights = weights;
        BestGap = gap;
        Iterations = iterations;
        OracleCalls = oracleCalls;
        Seed = seed;
    }

    /// <summary>The mixture weights Q(h) of the predictors kept (those with positive weight).</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>The duality gap of the returned mixture (Fairlearn's <c>best_gap_</c>).</summary>
    public double BestGap { get; }

    /// <summary>Iterations run.</summary>
    public int Iterations { get; }

    /// <summary>Trainer fits (Fairlearn's <c>n_oracle_calls_</c>).</summary>
    public int OracleCalls { get; }

    /// <summary>The seed of the randomised predictions.</summary>
    public int Seed { get; }
}

/// <summary>Catalog entry for <see cref="ExponentiatedGradientEstimator"/>.</summary>
public static partial class FairnessCatalogExtensions
{
    /// <summary>
    /// ExponentiatedGradient (in-processing reduction) over any binary trainer that accepts example weights.
    /// </summary>
    /// <param name="catalog">The fairness catalog.</param>
    /// <param name="trainer">Makes the trainer from (labelColumnName, exampleWeightColumnName), for example
    /// <c>(label, weight) =&gt; ml.BinaryClassification.Trainers.LbfgsLogisticRegression(label, "Features", weight)</c>.</param>
    /// <param name="sensitiveColumnNames">The sensitive columns.</param>
    /// <param name="constraint">The constraint.</param>
    /// <param name="labelColumnName">The binary label column.</param>
    /// <param name="featureColumnName">The feature vector column.</param>
    public static ExponentiatedGradientEstimator ExponentiatedGradient(this DeepMLCatalog.FairnessCatalog catalog,
        Func<string, string, IEstimator<ITransformer>> trainer, IReadOnlyList<string> sensitiveColumnNames,
        ReductionConstraint constraint = ReductionConstraint.DemographicParity, string labelColumnName = "Label", string featureColumnName = "Features") =>
        catalog.ExponentiatedGradient(trainer, new ExponentiatedGradientOptions
        {
            SensitiveColumnNames = sensitiveColumnNames, Constraint = constraint, LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName,
        });

    /// <summary>ExponentiatedGradient with explicit options.</summary>
    /// <param name="catalog">The fairness catalog.</param>
    /// <param name="trainer">Makes the trainer from (labelColumnName, exampleWeightColumnName).</param>
    /// <param name="options">The options.</param>
    public static ExponentiatedGradientEstimator ExponentiatedGradient(this DeepMLCatalog.FairnessCatalog catalog,
        Func<string, string, IEstimator<ITransformer>> trainer, ExponentiatedGradientOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(options);
        return new ExponentiatedGradientEstimator(catalog.Context, trainer, options);
    }
}
