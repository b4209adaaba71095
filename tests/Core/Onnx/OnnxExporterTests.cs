using Xunit;
using Microsoft.ML.OnnxRuntime;

namespace DeepML.Core.Tests.Onnx;

/// <summary>The exported file's format: versions, names, shapes, metadata, determinism, errors.</summary>
public sealed class OnnxExporterTests
{
    [Fact]
    public void ExportWritesIr8AndOpset17()
    {
        var bytes = OnnxExporter.Export(TestModels.Model(PredictionKind.Regression, 3, 1, new DenseLayer(1)));
        Assert.Equal(8, OnnxGraphInspector.IrVersion(bytes));
        Assert.Equal([("", 17L)], OnnxGraphInspector.Opsets(bytes));
    }

    [Theory]
    [InlineData(PredictionKind.BinaryClassification, 1, "logits", "probability")]
    [InlineData(PredictionKind.MulticlassClassification, 4, "logits", "probabilities")]
    [InlineData(PredictionKind.Regression, 1, "output", "score")]
    public void ExportHasDocumentedNamesAndShapes(PredictionKind task, int outputs, string raw, string shaped)
    {
        var model = TestModels.Model(task, 7, 2, new DenseLayer(5), new ActivationLayer(ActivationKind.Relu), new DenseLayer(outputs));
        using var session = new InferenceSession(OnnxExporter.Export(model));

        var input = Assert.Single(session.InputMetadata);
        Assert.Equal("features", input.Key);
        Assert.Equal([-1, 7], input.Value.Dimensions);
        Assert.Equal(["N", ""], input.Value.SymbolicDimensions);
        Assert.Equal([raw, shaped], session.OutputNames);
        foreach (var name in session.OutputNames)
        {
            Assert.Equal([-1, outputs], session.OutputMetadata[name].Dimensions);
            Assert.Equal("N", session.OutputMetadata[name].SymbolicDimensions[0]);
            Assert.Equal(typeof(float), session.OutputMetadata[name].ElementType);
        }
    }

    [Fact]
    public void MetadataRoundTripsThroughBytesAndOrtSession()
    {
        var spec = new NetworkSpec([new DenseLayer(4), new BatchNormLayer(1e-3, 0.2), new ActivationLayer(ActivationKind.LeakyRelu, 0.3), new DropoutLayer(0.25), new DenseLayer(3, useBias: false)], 2);
        var model = new NetworkModel(TestModels.RandomWeights(spec, 4), PredictionKind.MulticlassClassification, "Pixels",
            ["cat", "dog", "say \"hi\""], ["width", "height"]);
        var bytes = OnnxExporter.Export(model);

        using var session = new InferenceSession(bytes);
        var map = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("MulticlassClassification", map["deepml.task"]);
        Assert.Equal("Pixels", map["deepml.feature_column"]);
        Assert.Equal("[\"cat\",\"dog\",\"say \\u0022hi\\u0022\"]", map["deepml.class_names"]);
        Assert.Equal("[\"width\",\"height\"]", map["deepml.feature_names"]);
        Assert.Equal("0.1.0", map["deepml.version"]);
        Assert.Equal("DeepML", session.ModelMetadata.ProducerName);

        foreach (var metadata in new[] { OnnxModelMetadata.FromSession(session), OnnxModelMetadata.FromBytes(bytes) })
        {
            Assert.Equal(PredictionKind.MulticlassClassification, metadata.Task);
            Assert.Equal(["cat", "dog", "say \"hi\""], metadata.ClassNames);
            Assert.Equal(["width", "height"], metadata.FeatureNames);
            Assert.Equal(("features", "logits", "probabilities"), (metadata.InputName, metadata.RawOutputName, metadata.TaskOutputName));
            // The stored spec is the inference form: dropout gone, the batch norm folded into Dense(4) (which gains nothing: it had a bias).
            Assert.Equal("2 → Dense(4) → LeakyRelu → Dense(3)", metadata.Spec.ToString());
            Assert.Equal([new DenseLayer(4), new ActivationLayer(ActivationKind.LeakyRelu, 0.3), new DenseLayer(3, useBias: false)], metadata.Spec.Layers);
            Assert.Equal("2", metadata.SpecFormat);
        }
        Assert.True(OnnxModelMetadata.IsDeepMLModel(map));
    }

    [Fact]
    public void MetadataFromForeignModelListsWhatIsThere()
    {
        var e = Assert.Throws<FormatException>(() => OnnxModelMetadata.FromMap(new Dictionary<string, string> { ["author"] = "x" }));
        Assert.Equal("DeepML ONNX metadata: key 'deepml.version' is missing (present: author). Expected every key of OnnxMetadataKeys; re-export the model with OnnxExporter.", e.Message);
        Assert.Throws<FormatException>(() => OnnxModelMetadata.FromBytes([0xFF, 0xFF, 0xFF]));
    }

    [Fact]
    public void ExportIsDeterministic()
    {
        var a = OnnxExporter.Export(TestModels.Model(PredictionKind.BinaryClassification, 8, 7, new DenseLayer(4), new ActivationLayer(ActivationKind.Gelu), new DenseLayer(1)));
        var b = OnnxExporter.Export(TestModels.Model(PredictionKind.BinaryClassification, 8, 7, new DenseLayer(4), new ActivationLayer(ActivationKind.Gelu), new DenseLayer(1)));
        Assert.Equal(a, b);
    }

    [Fact]
    public void ExportToFileReplacesAtomicallyAndLeavesNoTempFile()
    {
        var folder = Directory.CreateTempSubdirectory("deepml-onnx-");
        try
        {
            var path = Path.Combine(folder.FullName, "model.onnx");
            File.WriteAllText(path, "old");
            var model = TestModels.Model(PredictionKind.Regression, 3, 1, new DenseLayer(1));
            OnnxExporter.ExportToFile(model, path);
            Assert.Equal(OnnxExporter.Export(model), File.ReadAllBytes(path));
            Assert.Equal(["model.onnx"], folder.GetFiles().Select(f => f.Name));
            var missing = Path.Combine(folder.FullName, "no", "model.onnx");
            Assert.Contains("does not exist", Assert.Throws<DirectoryNotFoundException>(() => OnnxExporter.ExportToFile(model, missing)).Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void UnsupportedLayerKindFailsNamingIt()
    {
        var spec = new NetworkSpec([new DenseLayer(2), new UnknownLayer(), new DenseLayer(1)], 3);
        var model = new NetworkModel(TestModels.RandomWeights(spec, 1), PredictionKind.Regression, "Features");
        var e = Assert.Throws<NotSupportedException>(() => OnnxExporter.Export(model));
        Assert.StartsWith("OnnxExporter: layer 1 of kind 'Conv2dForTest' (UnknownLayer) cannot be exported to ONNX yet.", e.Message);
    }

    [Fact]
    public void NonFiniteWeightFailsNamingWeightAndIndex()
    {
        var model = TestModels.Model(PredictionKind.Regression, 3, 1, new DenseLayer(2), new DenseLayer(1));
        model.Weights["1.weight"].Data[1] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(model));
        Assert.StartsWith("OnnxExporter: weight '1.weight' holds NaN at index 1; expected finite values.", e.Message);
    }

    private sealed record UnknownLayer : LayerSpec
    {
        public override string Kind => "Conv2dForTest";

        public override TensorShape OutputShape(TensorShape input) => input;
    }
}
