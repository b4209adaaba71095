using Microsoft.ML.OnnxRuntime;
using Xunit;
using static TorchSharp.torch;

namespace DeepML.Estimators.Tests.Layers;

/// <summary>
/// For each layer kind: the exported ONNX graph, run by ONNX Runtime with graph optimizations off and
/// fully on, computes what the TorchSharp module built from the same spec and weights computes
/// (float32, 1e-5 absolute), and the weights read back from the ONNX file are the exported ones.
/// Weights (batch-norm statistics included) are random, so folding and every parameter matter.
/// </summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class LayerParityTests
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string> Cases => [.. Specs.Keys];

    /// <summary>The parity cases by name: every layer kind and preset, bodies bound to a 3-output head by the test.</summary>
    internal static readonly Dictionary<string, NetworkSpec> Specs = new()
    {
        ["dense-activations"] = Spec(new TensorShape(6), new DenseLayer(5), new ActivationLayer(ActivationKind.Gelu), new DenseLayer(4, useBias: false),
            new ActivationLayer(ActivationKind.LeakyRelu, 0.2), new DropoutLayer(0.5), new DenseLayer(4), new ActivationLayer(ActivationKind.Silu),
            new DenseLayer(4), new ActivationLayer(ActivationKind.Elu, 0.7), new DenseLayer(4), new ActivationLayer(ActivationKind.Tanh), new DenseLayer(4), new ActivationLayer(ActivationKind.Sigmoid)),
        ["batchnorm-1d-folded-and-not"] = Spec(new TensorShape(5), new BatchNormLayer(1e-3), new DenseLayer(6), new DropoutLayer(0.2), new BatchNormLayer(), new ActivationLayer(ActivationKind.Relu)),
        ["dense-over-sequence"] = Spec(new TensorShape(3, 4), new DenseLayer(5), new ActivationLayer(ActivationKind.Relu), new BatchNormLayer(), new FlattenLayer()),
        ["batchnorm-over-channels-1d"] = Spec(new TensorShape(3, 7), new BatchNormLayer(), new FlattenLayer()),
        ["conv2d-stride-padding"] = Spec(new TensorShape(2, 9, 8), new Conv2dLayer(4, 3, stride: 2, padding: 1), new ActivationLayer(ActivationKind.Relu), new FlattenLayer()),
        ["conv2d-dilation-rect"] = Spec(new TensorShape(3, 10, 9), new Conv2dLayer(2, (3, 2), (1, 2), (2, 0), (2, 1), useBias: false), new FlattenLayer()),
        ["conv2d-grouped-depthwise"] = Spec(new TensorShape(4, 6, 6), new Conv2dLayer(8, 3, padding: 1, groups: 2), new Conv2dLayer(8, 3, groups: 8), new FlattenLayer()),
        ["conv2d-batchnorm2d-folded"] = Spec(new TensorShape(2, 6, 6), new Conv2dLayer(3, 3, useBias: false), new BatchNormLayer(1e-3), new ActivationLayer(ActivationKind.Relu),
            new BatchNormLayer(), new FlattenLayer()),
        ["residual-identity-and-projection"] = Spec(new TensorShape(3, 8, 8),
            new ResidualLayer(new SequentialLayer(new Conv2dLayer(3, 3, padding: 1), new BatchNormLayer(), new ActivationLayer(ActivationKind.Relu), new Conv2dLayer(3, 3, padding: 1), new BatchNormLayer())),
            new ActivationLayer(ActivationKind.Relu),
            new ResidualLayer(new SequentialLayer(new Conv2dLayer(5, 3, stride: 2, padding: 1, useBias: false), new BatchNormLayer(), new DropoutLayer(0.3)),
                new SequentialLayer(new Conv2dLayer(5, 1, stride: 2, useBias: false), new BatchNormLayer())),
            new ActivationLayer(ActivationKind.Relu), new FlattenLayer()),
        ["layernorm-over-sequence"] = Spec(new TensorShape(3, 4), new LayerNormLayer(1e-3), new FlattenLayer()),
        ["embedding-keys-and-unknown-row"] = Spec(new TensorShape(5), new EmbeddingLayer(2, 3), new FlattenLayer()), // inputs in [−2, 2): floors −2, −1 take the unknown row
        ["self-attention-two-heads"] = Spec(new TensorShape(4, 6), new MultiHeadSelfAttentionLayer(2, dropout: 0.3), new FlattenLayer()),
        ["ft-transformer"] = Spec(new TensorShape(6), Networks.FtTransformer(dimension: 8, blocks: 2, heads: 2, residualDropout: 0.1, categoricalSlots: [1, 4], cardinalities: [2, 3]).Layers.ToArray()),
        ["periodic-embedding-some-slots"] = Spec(new TensorShape(5), new PeriodicEmbeddingLayer(3, 4, 0.5, slots: [0, 2, 3]), new DenseLayer(4)),
        ["piecewise-linear-encoding"] = Spec(new TensorShape(4), new PiecewiseLinearEncodingLayer(4, slots: [1, 3]), new DenseLayer(4)),
        ["conv1d-stride-padding-dilation-groups"] = Spec(new TensorShape(4, 19), new Conv1dLayer(6, 3, stride: 2, padding: 1), new ActivationLayer(ActivationKind.Relu),
            new Conv1dLayer(6, 3, dilation: 2, groups: 2, useBias: false), new BatchNormLayer(), new Conv1dLayer(6, 3, padding: 1, groups: 6), new FlattenLayer()),
        ["maxpool-2d-padding"] = Spec(new TensorShape(3, 9, 10), new Conv2dLayer(4, 3, padding: 1), new MaxPoolLayer(3, 2, 1), new MaxPoolLayer(2), new FlattenLayer()),
        ["maxpool-1d"] = Spec(new TensorShape(3, 17), new MaxPoolLayer(3, 2, 1), new Conv1dLayer(2, 1), new MaxPoolLayer(2), new FlattenLayer()),
        ["avgpool-2d-count-include-pad-and-not"] = Spec(new TensorShape(2, 7, 9), new AvgPoolLayer(3, 2, 1), new Conv2dLayer(3, 1), new AvgPoolLayer(3, 1, 1, countIncludePad: false),
            new AvgPoolLayer(2), new FlattenLayer()),
        ["avgpool-1d"] = Spec(new TensorShape(2, 15), new AvgPoolLayer(3, 2, 1), new AvgPoolLayer(2, 1, 1, countIncludePad: false), new FlattenLayer()),
        ["global-average-pool-2d"] = Spec(new TensorShape(3, 6, 5), new Conv2dLayer(5, 3, padding: 1), new GlobalAveragePoolLayer(), new DenseLayer(4)),
        ["global-average-pool-1d"] = Spec(new TensorShape(3, 12), new Conv1dLayer(5, 3), new BatchNormLayer(), new GlobalAveragePoolLayer()),
        ["cnn-preset"] = Spec(new TensorShape(1, 12, 12), [.. Networks.Cnn([4, 6], [8]).Layers]),
        ["resnet-preset"] = Spec(new TensorShape(2, 12, 12), [.. Networks.ResNet([4, 6, 8], blocksPerStage: 2, stemChannels: 4).Layers]),
        ["residual-dense"] = Spec(new TensorShape(6), new ResidualLayer(new SequentialLayer(new DenseLayer(6), new ActivationLayer(ActivationKind.Tanh))), new ResidualLayer(new DenseLayer(3), new DenseLayer(3, useBias: false))),
        // Recurrent kinds (Lstm, Gru): uni- and bidirectional, stacked, sequence and last-step forms.
        ["lstm-last"] = new([new LstmLayer(5)], new TensorShape(7, 3)),
        ["lstm-bidirectional-last"] = new([new LstmLayer(4, bidirectional: true)], new TensorShape(6, 3)),
        ["lstm-stacked-bidirectional-sequences"] = new([new LstmLayer(3, 2, bidirectional: true, returnSequences: true, dropout: 0.4), new FlattenLayer()], new TensorShape(5, 2)),
        ["lstm-into-lstm"] = new([new LstmLayer(4, returnSequences: true), new DropoutLayer(0.2), new LstmLayer(3, 3)], new TensorShape(6, 4)),
        ["gru-sequences-dense"] = new([new GruLayer(4, returnSequences: true), new DenseLayer(2), new ActivationLayer(ActivationKind.Tanh), new FlattenLayer()], new TensorShape(5, 3)),
        ["gru-stacked-bidirectional-last"] = new([new GruLayer(5, 2, bidirectional: true, dropout: 0.3)], new TensorShape(8, 2)),
        ["gru-bidirectional-into-lstm"] = new([new GruLayer(3, bidirectional: true, returnSequences: true), new LstmLayer(4, bidirectional: true)], new TensorShape(4, 3)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void OnnxMatchesTorchSharpWithOptimizationsOnAndOff(string name)
    {
        TorchRuntime.EnsureLoaded();
        var spec = Specs[name].Bind(Specs[name].InputShape!, new DenseLayer(3));
        var weights = RandomWeights(spec, seed: name.Length);
        var model = new NetworkModel(weights, PredictionKind.MulticlassClassification, "Features", ["a", "b", "c"]);
        const int rows = 17;
        var random = new Random(3);
        var features = Enumerable.Range(0, rows * spec.InputSize).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();

        float[] expected;
        using (var network = TorchNetwork.Build(spec))
        {
            TorchNetwork.Load(network, weights);
            network.eval();
            expected = TorchBatchPredictor.Forward(network, CPU, features, rows, spec.InputSize, 3);
        }
        var onnx = OnnxExporter.Export(model);
        // For an independent checker (onnx.checker.check_model(full_check=True), scripts/check_onnx.py): opt-in only.
        if (Environment.GetEnvironmentVariable("DEEPML_EXPORT_DIR") is { Length: > 0 } exportDir)
            File.WriteAllBytes(Path.Combine(Directory.CreateDirectory(exportDir).FullName, $"parity-{name}.onnx"), onnx);
        Assert.Equal(onnx, OnnxExporter.Export(model)); // deterministic
        // Weights are initializers named by path; lowering constants carry a '/' and are never weight names.
        var initializers = DeepML.Onnx.Proto.ModelProto.Parser.ParseFrom(onnx).Graph.Initializer.Select(t => t.Name).ToList();
        Assert.Equal(InferenceRewrite.Apply(weights).Arrays.Keys.Order(), initializers.Where(n => !n.Contains('/')).Order());
        foreach (var level in new[] { GraphOptimizationLevel.ORT_DISABLE_ALL, GraphOptimizationLevel.ORT_ENABLE_ALL })
        {
            var actual = Run(onnx, level, features, rows, spec.InputSize);
            Assert.Equal(expected.Length, actual.Length);
            var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
            Assert.True(worst <= Tolerance, $"{name}, {level}: largest |ONNX − TorchSharp| is {worst:G3} (> {Tolerance}).");
            Assert.True(expected.Select(Math.Abs).Max() > 0.05, $"{name}: outputs are all near zero, the comparison would prove little.");
        }

        // Read back generically: the inference form, with the exported graph's weights by path.
        var read = DeepML.Persistence.OnnxNetworkReader.Read(onnx);
        var inference = InferenceRewrite.Apply(weights);
        Assert.Equal(inference.Spec.ToString(), read.Spec.ToString());
        Assert.DoesNotContain(LayerTree.Walk(read.Spec.Root, read.Spec.InputShape!), l => l.Layer is DropoutLayer);
        foreach (var (weight, array) in inference.Arrays)
            Assert.Equal(array.Data, read.Weights[weight].Data);
    }

    [Fact]
    public void BatchNormFoldIntoConvMatchesTheClosedForm()
    {
        // Conv2d(1→1, 1×1, w = 2, b = 1) then BN(γ = 3, β = 0.5, mean = 1, var = 3, ε = 1): s = 3/√4 = 1.5, t = 0.5 − 1.5 = −1;
        // folded w' = 2·1.5 = 3, b' = 1·1.5 − 1 = 0.5.
        var spec = new NetworkSpec([new Conv2dLayer(1, 1), new BatchNormLayer(1.0), new FlattenLayer(), new DenseLayer(1, useBias: false)], new TensorShape(1, 1, 1));
        var weights = new NetworkWeights(spec, new Dictionary<string, WeightArray>
        {
            ["0.weight"] = new([2f], [1, 1, 1, 1]), ["0.bias"] = new([1f], [1]),
            ["1.weight"] = new([3f], [1]), ["1.bias"] = new([0.5f], [1]), ["1.running_mean"] = new([1f], [1]), ["1.running_var"] = new([3f], [1]),
            ["3.weight"] = new([1f], [1, 1]),
        });
        var folded = InferenceRewrite.Apply(weights);
        Assert.Equal("[1, 1, 1] → Conv2d(1, 1x1) → Flatten → Dense(1)", folded.Spec.ToString());
        Assert.Equal([3f], folded["0.weight"].Data);
        Assert.Equal([0.5f], folded["0.bias"].Data);
        Assert.Equal([1f], folded["2.weight"].Data); // renumbered: the batch norm's slot is gone
    }

    private static NetworkSpec Spec(TensorShape input, params LayerSpec[] layers) => new(layers, input);

    /// <summary>Random weights of every tensor of <paramref name="spec"/>: ±1.5/√fan-in for matrices, γ and running variances in [0.5, 1.5).</summary>
    internal static NetworkWeights RandomWeights(NetworkSpec spec, int seed)
    {
        var random = new Random(seed);
        var arrays = new Dictionary<string, WeightArray>();
        foreach (var (name, shape) in spec.WeightShapes())
        {
            var count = shape.Aggregate(1, (a, b) => a * b);
            var fanIn = shape.Length > 1 ? count / shape[0] : 1;
            var scale = name.EndsWith("weight", StringComparison.Ordinal) && shape.Length > 1 ? 1.5 / Math.Sqrt(fanIn) : 0.5;
            arrays[name] = new WeightArray(Enumerable.Range(0, count).Select(_ => name.EndsWith("running_var", StringComparison.Ordinal)
                ? (float)(0.5 + random.NextDouble())
                : name.EndsWith("weight", StringComparison.Ordinal) && shape.Length == 1 ? (float)(0.5 + random.NextDouble()) // batch-norm γ
                : (float)((random.NextDouble() * 2 - 1) * scale)).ToArray(), shape);
        }
        return new NetworkWeights(spec, arrays);
    }

    private static float[] Run(byte[] onnx, GraphOptimizationLevel level, float[] features, int rows, int inputSize)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = level };
        using var session = new InferenceSession(onnx, options);
        using var input = OrtValue.CreateTensorValueFromMemory(features, [rows, inputSize]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [OnnxNames.Features], [input], [OnnxNames.Logits]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
