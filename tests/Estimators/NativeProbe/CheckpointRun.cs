using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.NativeProbe;

/// <summary>
/// Trains a small regression network in this process, touching nothing of TorchSharp before the
/// trainer does. "full" runs all epochs; "interrupt" writes a checkpoint after every epoch and, after
/// epoch k, prints "epoch=k" and blocks so that the parent can kill the process; "resume" continues
/// from the checkpoint. "full" and "resume" print the final weights and predictions as the hex of
/// their bits, so the parent compares them bit for bit, and the epoch count and last elapsed time.
/// </summary>
internal static class CheckpointRun
{
    private const int Epochs = 6;

    private sealed class Row
    {
        [VectorType(5)]
        public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    public static int Run(string mode, string path, int stopAfter)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(300));
        var options = new NeuralNetworkOptions
        {
            Network = Networks.Mlp([16, 8], dropout: 0.1),
            Epochs = Epochs,
            BatchSize = 32,
            ValidationFraction = 0.2,
            Seed = 5,
            NumberOfThreads = 1,
        };
        options = mode switch
        {
            "full" => options,
            "interrupt" => options with { CheckpointPath = path, Progress = new Blocking(stopAfter) },
            "resume" => options with { ResumeFromCheckpoint = path },
            _ => throw new ArgumentException($"NativeProbe: unknown checkpoint mode '{mode}'; expected full, interrupt or resume.", nameof(mode)),
        };
        var trainer = ml.DeepML().Regression.NeuralNetwork(options);
        using var model = trainer.Fit(data);
        var weights = model.Model.Weights.Arrays.OrderBy(kv => kv.Key, StringComparer.Ordinal).SelectMany(kv => kv.Value.Data);
        var scores = ml.Data.CreateEnumerable<Scored>(model.Transform(data), reuseRowObject: false).Select(s => s.Score);
        Console.WriteLine($"weights={Hex(weights)}");
        Console.WriteLine($"scores={Hex(scores)}");
        Console.WriteLine($"epochs={trainer.LastTraining!.History.Count}");
        Console.WriteLine($"elapsed={string.Join(",", trainer.LastTraining.History.Select(h => h.Elapsed.Ticks.ToString(CultureInfo.InvariantCulture)))}");
        return 0;
    }

    private sealed class Scored
    {
        public float Score { get; set; }
    }

    private static string Hex(IEnumerable<float> values) =>
        string.Concat(values.Select(v => BitConverter.SingleToInt32Bits(v).ToString("x8", CultureInfo.InvariantCulture)));

    /// <summary>y = 40 + 15·(x₀ − 0.5·x₁ + 0.3·x₂·x₃) + noise: a label far from 0 with a spread far from 1.</summary>
    private static IEnumerable<Row> Rows(int count)
    {
        var rng = new Random(3);
        for (var i = 0; i < count; i++)
        {
            var x = Enumerable.Range(0, 5).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            yield return new Row { Features = x, Label = (float)(40 + 15 * (x[0] - 0.5 * x[1] + 0.3 * x[2] * x[3]) + rng.NextDouble()) };
        }
    }

    /// <summary>After epoch k (its checkpoint is written before the report) says so and waits to be killed.</summary>
    private sealed class Blocking(int stopAfter) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Epoch != stopAfter)
                return;
            Console.WriteLine($"epoch={value.Epoch}");
            Console.Out.Flush();
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
