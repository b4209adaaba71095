using System.IO.Compression;
using System.Runtime.InteropServices;
using DeepML.Estimators.Tests.Trainers;
using DeepML.Onnx.Proto;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Estimators.Tests.Compression.Pruning;

/// <summary>
/// A pruned model is a plain network: its exported ONNX holds exactly the expected zeros in its initializers, ONNX Runtime's
/// scores equal TorchSharp's on the same weights, the ML.NET zip round-trips bit-identically — and the ONNX file is exactly as
/// large as the unpruned one's (dense storage), while a compressed copy is smaller.
/// </summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class PruningExportTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public PruningExportTests(Xunit.Abstractions.ITestOutputHelper output)
    {
        _output = output;
        TorchRuntime.EnsureLoaded();
    }

    private static float[] Floats(TensorProto t) =>
        t.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray() : t.FloatData.ToArray();

    private static long Gzipped(byte[] bytes)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            gzip.Write(bytes);
        return buffer.Length;
    }

    [Fact]
    public void The_exported_onnx_holds_the_expected_zeros_and_scores_as_torchsharp_does()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.CreditView(ml);
        using var start = ml.DeepML().BinaryClassification.NeuralNetwork(PruningTrainingTests.Small(6)).Fit(data);
        using var pruned = ml.DeepML().Compression.MagnitudePruning(start, new PruningOptions { FinalSparsity = 0.8 }, PruningTrainingTests.Small(2)).Fit(data);

        var onnx = pruned.ExportOnnx();
        var initializers = ModelProto.Parser.ParseFrom(onnx).Graph.Initializer.Where(t => !t.Name.Contains('/')).ToDictionary(t => t.Name);
        Assert.Equal(pruned.Model.Weights.Arrays.Keys.Order(), initializers.Keys.Order());
        foreach (var name in PruningTrainingTests.Prunable)
        {
            var n = pruned.Model.Weights[name].Data.Length;
            Assert.Equal((int)Math.Floor(0.8 * n), Floats(initializers[name]).Count(v => v == 0)); // 179 of 224, 409 of 512, 12 of 16
            Assert.Equal(pruned.Model.Weights[name].Data, Floats(initializers[name]));
        }
        Assert.All(initializers.Where(kv => kv.Key.EndsWith("bias", StringComparison.Ordinal)), kv => Assert.DoesNotContain(0f, Floats(kv.Value)));

        // ONNX Runtime (the fitted transformer's batched scorer) against a TorchSharp forward pass of the same weights.
        var (x, _) = TestData.Credit;
        var features = x.SelectMany(r => r).ToArray();
        var torch = TorchReference.Forward(pruned.Model, features, x.Length);
        var scores = pruned.Transform(data).GetColumn<float>("Score").ToArray();
        TorchReference.AssertClose(torch, scores, 1e-5);
        Assert.True(torch.Select(Math.Abs).Max() > 0.1, "the outputs should not all be near zero");

        // Dense storage: the same bytes as the unpruned model's graph; only compression profits from the zeros.
        var dense = start.ExportOnnx();
        Assert.Equal(dense.Length, onnx.Length);
        _output.WriteLine($"ONNX: {onnx.Length} bytes pruned and unpruned; gzip: pruned {Gzipped(onnx)}, unpruned {Gzipped(dense)}; largest |ORT − TorchSharp| {torch.Zip(scores, (a, b) => Math.Abs(a - b)).Max():G3}");
        Assert.True(Gzipped(onnx) < 0.7 * Gzipped(dense), $"gzip: pruned {Gzipped(onnx)} bytes, unpruned {Gzipped(dense)}");
    }

    [Fact]
    public void A_pruned_model_round_trips_through_the_mlnet_zip_with_its_zeros_and_scores()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.CreditView(ml);
        using var start = ml.DeepML().BinaryClassification.NeuralNetwork(PruningTrainingTests.Small(4)).Fit(data);
        using var pruned = ml.DeepML().Compression.MagnitudePruning(start, new PruningOptions { FinalSparsity = 0.5, Scope = PruningScope.Global }, PruningTrainingTests.Small(1)).Fit(data);
        var scored = pruned.Transform(data).GetColumn<float>("Probability").ToArray();
        var path = Path.Combine(Path.GetTempPath(), $"deepml-pruned-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(pruned, data.Schema, path);
            var densePath = path + ".dense.zip";
            ml.Model.Save(start, data.Schema, densePath);
            var (prunedZip, denseZip) = (new FileInfo(path).Length, new FileInfo(densePath).Length);
            File.Delete(densePath);
            _output.WriteLine($"ML.NET zip: pruned (50 %, global) {prunedZip} bytes, unpruned {denseZip}");
            Assert.True(prunedZip < denseZip, $"ML.NET zip: pruned {prunedZip} bytes, unpruned {denseZip}"); // the zip deflates its entries
            var loaded = new MLContext(2).DeepML().Model.Load(path, out _);
            try
            {
                Assert.Equal(scored.Select(BitConverter.SingleToInt32Bits), loaded.Transform(data).GetColumn<float>("Probability").Select(BitConverter.SingleToInt32Bits));
                var model = Assert.IsType<NetworkScoringTransformer>(loaded).Model;
                Assert.Equal(ml.DeepML().Compression.Sparsity(pruned).PrunableZeros, ml.DeepML().Compression.Sparsity(model).PrunableZeros);
                Assert.Equal((long)Math.Floor(0.5 * 752), ml.DeepML().Compression.Sparsity(model).PrunableZeros);
            }
            finally
            {
                (loaded as IDisposable)?.Dispose();
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
