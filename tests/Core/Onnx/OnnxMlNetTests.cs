using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Core.Tests.Onnx;

/// <summary>Exported files load in ML.NET's own <c>ApplyOnnxModel</c> and give the reference numbers.</summary>
public sealed class OnnxMlNetTests
{
    private const int Inputs = 6;

    private sealed class Row
    {
        [ColumnName("features"), VectorType(Inputs)]
        public float[] Features { get; set; } = [];
    }

    [Theory]
    [InlineData(PredictionKind.BinaryClassification, 1)]
    [InlineData(PredictionKind.MulticlassClassification, 3)]
    [InlineData(PredictionKind.Regression, 1)]
    public void ApplyOnnxModelMatchesReference(PredictionKind task, int outputs)
    {
        const int rows = 40;
        var model = TestModels.Model(task, Inputs, 13,
            new DenseLayer(10), new BatchNormLayer(), new ActivationLayer(ActivationKind.Silu), new DenseLayer(outputs));
        var x = TestModels.Inputs(rows, Inputs, 8);
        var raw = ReferenceNetwork.Forward(model.Weights, x, rows);
        var head = ReferenceNetwork.Head(task, raw, outputs);

        var path = Path.Combine(Path.GetTempPath(), $"deepml-mlnet-{Guid.NewGuid():N}.onnx");
        OnnxExporter.ExportToFile(model, path);
        try
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(x.Chunk(Inputs).Select(r => new Row { Features = r }));
            string[] names = [OnnxNames.RawOutput(task), OnnxNames.TaskOutput(task)];
            var transformer = ml.Transforms.ApplyOnnxModel(names, [OnnxNames.Features], path).Fit(data);
            try
            {
                var scored = transformer.Transform(data);
                Assert.Equal(outputs, ((VectorDataViewType)scored.Schema[names[1]].Type).Size);
                TestModels.AssertClose(raw, scored.GetColumn<float[]>(names[0]).SelectMany(v => v).ToArray(), "ML.NET raw");
                TestModels.AssertClose(head, scored.GetColumn<float[]>(names[1]).SelectMany(v => v).ToArray(), "ML.NET " + names[1]);
            }
            finally
            {
                transformer.Dispose();
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
