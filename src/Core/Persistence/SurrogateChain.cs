using DeepML.Onnx.Proto;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace DeepML.Persistence;

/// <summary>
/// Builds the chain of ML.NET transformers that a <see cref="NetworkScoringTransformer"/> saves itself
/// as (the "surrogate save": ML.NET's save and load contexts are internal, so a third-party
/// transformer persists by forwarding <c>ICanSaveModel.Save</c> to transformers ML.NET can load).
/// </summary>
/// <remarks>
/// <para>The chain reads the feature column and appends exactly the columns the DeepML transformer
/// appends, with the same types, in the same order, computed the same way:</para>
/// <list type="number">
/// <item>copy the feature column to <c>features</c> (the ONNX input name; skipped when equal);</item>
/// <item>ML.NET's <c>OnnxTransformer</c> over the exported model, reading the raw output only
/// (<c>logits</c> or <c>output</c>, a <c>Vector&lt;Single, K&gt;</c> in ML.NET);</item>
/// <item>a DeepML <c>CustomMapping</c> head (<see cref="BinaryHeadFactory"/>,
/// <see cref="RegressionHeadFactory"/>, <see cref="MulticlassHeadFactory"/>) that runs the same C#
/// code as the in-process scorer, so the values are bit-identical;</item>
/// <item>multiclass only: a one-node ONNX graph (<c>Gather</c> of row 0, see <see cref="ShapeGraph"/>)
/// run by ML.NET's <c>OnnxTransformer</c>, which gives the softmax its known size
/// (<c>CustomMapping</c> outputs lose vector sizes when loaded), then <c>MapValue</c> (key → class
/// name) and <c>MapValueToKey</c> with the class names as key data (a key type whose
/// <c>KeyValues</c> are the class names in training order);</item>
/// <item><c>DropColumns</c> of every intermediate column.</item>
/// </list>
/// </remarks>
internal static class SurrogateChain
{
    /// <summary>Output column of <c>MapValue</c> (key → class name) in the multiclass chain.</summary>
    public const string PredictedNameColumn = "deepml_predicted_name";

    /// <summary>Input of the multiclass shape step's ONNX graph (the softmax of unknown size).</summary>
    public const string ShapeInput = MulticlassHeadOutput.ProbabilitiesColumn;

    /// <summary>Builds and fits the chain; the caller disposes it.</summary>
    /// <param name="env">The environment to build in (an <see cref="MLContext"/> when possible).</param>
    /// <param name="model">The network's task, feature column and class names.</param>
    /// <param name="onnx">The exported ONNX model.</param>
    public static TransformerChain<ITransformer> Build(IHostEnvironment env, NetworkModel model, byte[] onnx)
    {
        var ml = env as MLContext ?? new MLContext();
        var data = EmptyInput(ml, model.FeatureColumnName, model.InputSize);
        var steps = new List<ITransformer>();
        var dropped = new List<string>();
        try
        {
            ITransformer Add(IEstimator<ITransformer> estimator)
            {
                var transformer = estimator.Fit(data);
                steps.Add(transformer);
                data = transformer.Transform(data);
                return transformer;
            }

            if (model.FeatureColumnName != OnnxNames.Features)
            {
                Add(ml.Transforms.CopyColumns(OnnxNames.Features, model.FeatureColumnName));
                dropped.Add(OnnxNames.Features);
            }
            var raw = OnnxNames.RawOutput(model.Task);
            Add(ml.Transforms.ApplyOnnxModel([raw], [OnnxNames.Features], new MemoryStream(onnx, writable: false)));
            dropped.Add(raw);
            switch (model.Task)
            {
                case PredictionKind.BinaryClassification:
                    Add(ml.Transforms.CustomMapping<BinaryHeadInput, BinaryHeadOutput>(BinaryHeadFactory.Map, BinaryHeadFactory.ContractName));
                    break;
                case PredictionKind.Regression:
                    Add(ml.Transforms.CustomMapping<RegressionHeadInput, RegressionHeadOutput>(RegressionHeadFactory.Map, RegressionHeadFactory.ContractName));
                    break;
                default:
                    AddMulticlass(ml, model, Add, dropped);
                    break;
            }
            Add(ml.Transforms.DropColumns([.. dropped]));
            return new TransformerChain<ITransformer>([.. steps]);
        }
        catch
        {
            foreach (var step in steps)
                (step as IDisposable)?.Dispose();
            throw;
        }
    }

    private static void AddMulticlass(MLContext ml, NetworkModel model, Func<IEstimator<ITransformer>, ITransformer> add, List<string> dropped)
    {
        var classes = model.OutputSize;
        add(ml.Transforms.CustomMapping<MulticlassHeadInput, MulticlassHeadOutput>(MulticlassHeadFactory.Map, MulticlassHeadFactory.ContractName));
        add(ml.Transforms.ApplyOnnxModel([ScoringHead.Score], [ShapeInput], new MemoryStream(ShapeGraph(classes), writable: false)));
        var names = model.ClassNames.Count == classes ? model.ClassNames : Enumerable.Range(0, classes).Select(i => i.ToString()).ToArray();
        var pairs = names.Select((name, i) => new KeyValuePair<uint, string>((uint)i + 1, name));
        add(ml.Transforms.Conversion.MapValue(PredictedNameColumn, pairs, MulticlassHeadOutput.PredictedKeyColumn));
        var keyData = ml.Data.LoadFromEnumerable(names.Select(n => new ClassName { Name = n }));
        add(ml.Transforms.Conversion.MapValueToKey(ScoringHead.PredictedLabel, PredictedNameColumn, keyData: keyData));
        dropped.AddRange([MulticlassHeadOutput.ProbabilitiesColumn, MulticlassHeadOutput.PredictedKeyColumn, PredictedNameColumn]);
    }

    /// <summary>
    /// An ONNX graph <c>Score = Gather(deepml_probabilities, 0, axis 0)</c>: ML.NET feeds the unknown-size
    /// softmax as a [1, K] tensor (input declared [N, M]) and reads the rank-1 output declared [K] as
    /// <c>Vector&lt;Single, K&gt;</c>. Gather copies, so no bit changes.
    /// </summary>
    internal static byte[] ShapeGraph(int classes)
    {
        var graph = new OnnxGraph("deepml_shape");
        graph.AddInput(ShapeInput, OnnxExporter.BatchDimension, "M");
        var row = graph.Node("row", "Constant", [], null, new OnnxAttribute("value_int", Int: 0));
        graph.Node("shape", "Gather", [ShapeInput, row], ScoringHead.Score, new OnnxAttribute("axis", Int: 0));
        graph.AddOutput(ScoringHead.Score, (long)classes);
        var header = new OnnxModelHeader(OnnxExporter.IrVersion, OnnxExporter.Opset, "DeepML", OnnxExporter.DeepMLVersion,
            [new(OnnxMetadataKeys.Version, OnnxExporter.DeepMLVersion), new(RoleKey, ShapeRole)]);
        return graph.Encode(header);
    }

    /// <summary>Metadata key marking DeepML's helper graphs (absent on network graphs).</summary>
    public const string RoleKey = "deepml.role";

    /// <summary>The <see cref="RoleKey"/> value of <see cref="ShapeGraph"/>.</summary>
    public const string ShapeRole = "multiclass_score_shape";

    private static IDataView EmptyInput(MLContext ml, string featureColumn, int inputSize)
    {
        var definition = SchemaDefinition.Create(typeof(FeatureRow));
        definition[0].ColumnName = featureColumn;
        definition[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, inputSize);
        return ml.Data.LoadFromEnumerable(Array.Empty<FeatureRow>(), definition);
    }

    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }

    private sealed class ClassName
    {
        public string Name { get; set; } = "";
    }
}
