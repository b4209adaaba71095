using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace DeepML;

/// <summary>
/// The one entry point to DeepML from an <see cref="MLContext"/>: <c>ml.DeepML()</c>.
/// </summary>
/// <remarks>
/// ML.NET keeps its own catalogs' environment internal, so add-ons hang their catalog off
/// <see cref="MLContext"/> (as <c>ml.Auto()</c> and <c>ml.Fairlearn()</c> do). Each task has a
/// sub-catalog; the DeepML assemblies add their components to those sub-catalogs as extension
/// methods, so that a project sees only what it references (fairness users never load TorchSharp).
/// A sub-catalog appears when it has members.
/// </remarks>
public sealed class DeepMLCatalog
{
    internal DeepMLCatalog(MLContext context)
    {
        Context = context;
        BinaryClassification = new BinaryClassificationCatalog(context);
        MulticlassClassification = new MulticlassClassificationCatalog(context);
        Regression = new RegressionCatalog(context);
        Fairness = new FairnessCatalog(context);
        Augmentation = new AugmentationCatalog(context);
        Explainability = new ExplainabilityCatalog(context);
        Compression = new CompressionCatalog(context);
        Onnx = new OnnxCatalog(context);
        Model = new ModelCatalog(context);
        Tuning = new TuningCatalog(context);
    }

    /// <summary>The context this catalog was made from (seed, log, GPU settings).</summary>
    public MLContext Context { get; }

    /// <summary>Binary classification trainers (neural networks).</summary>
    public BinaryClassificationCatalog BinaryClassification { get; }

    /// <summary>Multiclass classification trainers (neural networks).</summary>
    public MulticlassClassificationCatalog MulticlassClassification { get; }

    /// <summary>Regression trainers (neural networks).</summary>
    public RegressionCatalog Regression { get; }

    /// <summary>Fairness metrics, disparity measures and mitigation for any ML.NET model.</summary>
    public FairnessCatalog Fairness { get; }

    /// <summary>Data augmentation and rebalancing (over- and under-sampling, SMOTE and its variants) for any downstream trainer.</summary>
    public AugmentationCatalog Augmentation { get; }

    /// <summary>Explanations for any ML.NET model (SHAP, LIME, TreeSHAP) and gradient attributions for DeepML networks.</summary>
    public ExplainabilityCatalog Explainability { get; }

    /// <summary>Compression of DeepML networks: post-training int8 quantization (DeepML.Core), magnitude pruning (fine-tuning a fitted network) and sparsity reports (DeepML.Estimators); distillation is a trainer option.</summary>
    public CompressionCatalog Compression { get; }

    /// <summary>ONNX export and batched ONNX Runtime scoring.</summary>
    public OnnxCatalog Onnx { get; }

    /// <summary>Loading saved ML.NET zips with DeepML's batched scorer, on the device asked for.</summary>
    public ModelCatalog Model { get; }

    /// <summary>Hyperparameter tuning: studies, samplers, pruners and shared study storage (DeepML.Tuning).</summary>
    public TuningCatalog Tuning { get; }

    /// <summary>Base of every DeepML sub-catalog: it carries the context.</summary>
    public abstract class SubCatalog
    {
        private protected SubCatalog(MLContext context) => Context = context;

        /// <summary>The context this catalog was made from.</summary>
        public MLContext Context { get; }

        /// <summary>The context as ML.NET's host environment (seed, log channels).</summary>
        internal IHostEnvironment Environment => Context;
    }

    /// <summary>Binary classification components; trainers are added by DeepML.Estimators.</summary>
    public sealed class BinaryClassificationCatalog : SubCatalog
    {
        internal BinaryClassificationCatalog(MLContext context) : base(context) { }
    }

    /// <summary>Multiclass classification components; trainers are added by DeepML.Estimators.</summary>
    public sealed class MulticlassClassificationCatalog : SubCatalog
    {
        internal MulticlassClassificationCatalog(MLContext context) : base(context) { }
    }

    /// <summary>Regression components; trainers are added by DeepML.Estimators.</summary>
    public sealed class RegressionCatalog : SubCatalog
    {
        internal RegressionCatalog(MLContext context) : base(context) { }
    }

    /// <summary>Fairness components; added by DeepML.Fairness.</summary>
    public sealed class FairnessCatalog : SubCatalog
    {
        internal FairnessCatalog(MLContext context) : base(context) { }
    }

    /// <summary>Augmentation components; added by DeepML.Transforms (rebalancing data verbs).</summary>
    public sealed class AugmentationCatalog : SubCatalog
    {
        internal AugmentationCatalog(MLContext context) : base(context) { }
    }

    /// <summary>Explanation components; added by DeepML.Transforms (model-agnostic, trees) and DeepML.Estimators (gradients).</summary>
    public sealed class ExplainabilityCatalog : SubCatalog
    {
        internal ExplainabilityCatalog(MLContext context) : base(context) { }
    }

    /// <summary>Compression components; added by DeepML.Core (post-training quantization) and DeepML.Estimators (training time: pruning).</summary>
    public sealed class CompressionCatalog : SubCatalog
    {
        internal CompressionCatalog(MLContext context) : base(context) { }
    }

    /// <summary>ONNX export and scoring components.</summary>
    public sealed class OnnxCatalog : SubCatalog
    {
        internal OnnxCatalog(MLContext context) : base(context) { }
    }

    /// <summary>Model loading components.</summary>
    public sealed class ModelCatalog : SubCatalog
    {
        internal ModelCatalog(MLContext context) : base(context) { }
    }

    /// <summary>Tuning components; added by DeepML.Tuning (studies over any options type, SQLite and PostgreSQL storage).</summary>
    public sealed class TuningCatalog : SubCatalog
    {
        internal TuningCatalog(MLContext context) : base(context) { }
    }
}
