using DeepML.Cli.Data;
using DeepML.Cli.Featurization;
using DeepML.Cli.Output;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace DeepML.Cli.Commands;

/// <summary>A model written by <c>deepml train</c>, loaded with DeepML's batched scorer, and the way to read new files for it.</summary>
internal sealed class ModelSession : IDisposable
{
    private ModelSession(MLContext ml, ModelInfo info, ITransformer model, string path)
    {
        Ml = ml;
        Info = info;
        Model = model;
        Path = path;
    }

    public MLContext Ml { get; }

    public ModelInfo Info { get; }

    /// <summary>The saved pipeline as loaded (multiclass: ends by mapping PredictedLabel to the class names).</summary>
    public ITransformer Model { get; }

    public string Path { get; }

    /// <summary>The pipeline without the class-name mapping: ML.NET's evaluators want PredictedLabel as a key.</summary>
    public ITransformer Scoring => Model is TransformerChain<ITransformer> chain && chain.LastTransformer is KeyToValueMappingTransformer
        ? new TransformerChain<ITransformer>(((IEnumerable<ITransformer>)chain).SkipLast(1).ToArray())
        : Model;

    public FeaturePipeline Features => FeaturePipeline.For(Info.Schema);

    public static ModelSession Open(string modelPath, string device, int seed = 1)
    {
        var info = ModelInfo.Load(modelPath);
        var ml = new MLContext(seed: seed);
        var model = ml.DeepML().Model.Load(modelPath, out _, new ScoringOptions { Device = device });
        return new ModelSession(ml, info, model, modelPath);
    }

    /// <summary>The file's rows, columns matched by name (or position), label not prepared.</summary>
    public IDataView Read(string dataset, bool requireLabel) =>
        DatasetLoader.Load(Ml, dataset, DatasetLayout.Match(Info.Schema, Info.Task, dataset, requireLabel), requireLabel ? Info.Task : null);

    /// <summary>The file's rows with ML.NET's label column, rows without a usable label dropped.</summary>
    public IDataView ReadLabeled(string dataset) => LabelPreparation.Apply(Ml, Read(dataset, requireLabel: true), Info.Task);

    public void Dispose() => (Model as IDisposable)?.Dispose();
}
