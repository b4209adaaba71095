using System.Globalization;
using DeepML.Cli.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Cli.Tests.Commands;

[CollectionDefinition(Name)]
public sealed class GermanCreditCollection : ICollectionFixture<GermanCreditRun>
{
    public const string Name = "deepml train on German Credit";
}

[Collection(GermanCreditCollection.Name)]
public sealed class CommandTests(GermanCreditRun run)
{
    [Fact]
    public void Train_writes_the_model_its_description_onnx_snippet_and_report_and_ends_with_values()
    {
        var train = run.Train.Succeeded();
        Assert.Contains(train.Values["best_model"], new[] { "FastTree", "LightGBM", "DeepML" });
        var auc = train.Number("auc");
        Assert.InRange(auc, 0.6, 0.95);                       // German Credit: published AUCs are about 0.75-0.80
        Assert.InRange(train.Number("fasttree_default_auc"), 0.6, 0.95);
        Assert.True(train.Number("trials_completed") >= 3, train.Output); // FastTree, LightGBM and at least one network
        foreach (var file in new[] { "model.zip", "model.deepml.json", "model.onnx", "Predict.cs", "report.html" })
            Assert.True(File.Exists(Path.Combine(run.Output, file)), $"{file} missing:\n{train.Output}");
        Assert.Contains("task Binary, label 'credit' (positive class '2')", train.Output);
        Assert.Contains("200 test", train.Output);
    }

    [Fact]
    public void A_held_out_selection_refits_the_chosen_model_on_every_training_row()
    {
        var output = Path.Combine(run.Folder, "holdout");
        var train = CliRun.Start("train", "--dataset", run.TrainCsv, "--test-dataset", run.TestCsv, "--label", "credit", "--time", "15",
            "--cross-validation-rows", "0", "--explain-rows", "0", "--output", output).Succeeded();
        Assert.Contains("model selection by validation on a held-out 20 % of the training rows (157 rows), candidates trained on the other 643; the chosen model refitted on all 800", train.Output);
        // ML.NET's TrainTestSplit draws rows at random: 157 of 800 here (seeded). The saved zip is the refitted model: evaluating it on the test file gives the figures train printed.
        var evaluate = CliRun.Start("evaluate", "--model", Path.Combine(output, "model.zip"), "--dataset", run.TestCsv).Succeeded();
        Assert.Equal(train.Number("auc"), evaluate.Number("auc"), 5);
        Assert.True(File.Exists(Path.Combine(output, "study.db")));
    }

    [Fact]
    public void Evaluate_on_the_test_file_gives_the_figures_train_reported()
    {
        var train = run.Train.Succeeded();
        var evaluate = CliRun.Start("evaluate", "--model", run.Model, "--dataset", run.TestCsv).Succeeded();
        Assert.Equal(200, evaluate.Number("rows"));
        foreach (var metric in new[] { "auc", "accuracy", "f1", "log_loss" })
            Assert.Equal(train.Number(metric), evaluate.Number(metric), 5);
    }

    [Fact]
    public void Predict_matches_plain_MLNET_scoring_of_the_saved_zip_row_by_row()
    {
        run.Train.Succeeded();
        var output = Path.Combine(run.Folder, "predictions.csv");
        var predict = CliRun.Start("predict", "--model", run.Model, "--dataset", run.UnlabelledCsv, "--output", output).Succeeded();
        Assert.Equal(200, predict.Number("rows"));
        var lines = File.ReadAllLines(output);
        Assert.Equal("PredictedLabel,Probability,Score", lines[0]);
        Assert.Equal(201, lines.Length);

        // Second path: ML.NET alone loads the zip and scores the same rows read by ML.NET's TextLoader.
        var ml = new MLContext(seed: 5);
        var model = ml.Model.Load(run.Model, out _);
        var schema = CsvSchemaInference.Infer(run.TrainCsv);
        var data = ml.Data.LoadFromTextFile(run.TestCsv, [.. schema.Columns.Select(c => new TextLoader.Column(c.Name, c.Kind == ColumnKind.Numeric && c.Name != "credit" ? DataKind.Single : DataKind.String, c.Index))],
            separatorChar: ',', hasHeader: true);
        var probabilities = model.Transform(data).GetColumn<float>("Probability").ToArray();
        for (var i = 0; i < 200; i++)
        {
            var fields = lines[i + 1].Split(',');
            Assert.Equal(probabilities[i], float.Parse(fields[1], CultureInfo.InvariantCulture), 5);
            Assert.Equal(probabilities[i] > 0.5f ? "2" : "1", fields[0]);
        }
    }

    [Fact]
    public void Fairness_measures_match_selection_rates_counted_from_the_predictions()
    {
        run.Train.Succeeded();
        var output = Path.Combine(run.Folder, "fairness-predictions.csv");
        CliRun.Start("predict", "--model", run.Model, "--dataset", run.TestCsv, "--output", output).Succeeded();
        var predicted = File.ReadAllLines(output).Skip(1).Select(l => l.Split(',')[0] == "2").ToArray();
        var foreign = run.TestRows.Select(r => r[19]).ToArray();
        var rates = foreign.Zip(predicted).GroupBy(p => p.First).Select(g => g.Average(p => p.Second ? 1.0 : 0.0)).ToArray();
        var fairness = CliRun.Start("fairness", "--model", run.Model, "--dataset", run.TestCsv, "--sensitive", "foreign").Succeeded();
        Assert.Equal(rates.Max() - rates.Min(), fairness.Number("DemographicParityDifference"), 6); // name: value lines carry 6 decimals
        Assert.Equal(rates.Min() / rates.Max(), fairness.Number("DemographicParityRatio"), 6);
    }

    [Fact]
    public void Explain_ranks_every_original_column_and_draws_the_summary()
    {
        run.Train.Succeeded();
        var plot = Path.Combine(run.Folder, "shap.png");
        var explain = CliRun.Start("explain", "--model", run.Model, "--dataset", run.TestCsv, "--rows", "30", "--plot", plot).Succeeded();
        Assert.Equal(30, explain.Number("rows"));
        var importance = explain.Values.Where(v => v.Key.StartsWith("importance.", StringComparison.Ordinal)).ToDictionary(v => v.Key[11..], v => double.Parse(v.Value, CultureInfo.InvariantCulture));
        Assert.Equal(GermanCreditRun.Columns[..^1].Order(), importance.Keys.Order()); // one value per original column, one-hot groups kept together
        Assert.All(importance.Values, v => Assert.True(v >= 0));
        Assert.True(importance.Values.Max() > 0);
        var png = File.ReadAllBytes(plot);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }

    [Fact]
    public void Export_onnx_writes_the_network_with_the_feature_width()
    {
        run.Train.Succeeded();
        var onnx = Path.Combine(run.Folder, "exported.onnx");
        var best = run.Train.Values["best_model"];
        var export = CliRun.Start("export-onnx", "--model", run.Model, "--output", onnx);
        if (best == "DeepML")
        {
            export.Succeeded();
            Assert.True(new FileInfo(onnx).Length > 1000);
            Assert.Equal(File.ReadAllBytes(Path.Combine(run.Output, "model.onnx")), File.ReadAllBytes(onnx)); // the writer is deterministic
        }
        else
        {
            Assert.Equal(ExitCodes.BadInput, export.ExitCode);
            Assert.Contains("holds no DeepML network", export.Error);
        }
    }

    [Fact]
    public void Bad_input_gets_an_exit_code_and_a_message_naming_the_column_or_option()
    {
        var missing = CliRun.Start("train", "--dataset", run.TrainCsv, "--label", "income", "--time", "5", "--output", Path.Combine(run.Folder, "x"));
        Assert.Equal(ExitCodes.BadInput, missing.ExitCode);
        Assert.Equal($"error: --label: the data has no column 'income'. Its columns are: {string.Join(", ", GermanCreditRun.Columns)}.", missing.Error.Trim());
        var time = CliRun.Start("train", "--dataset", run.TrainCsv, "--label", "credit", "--time", "0");
        Assert.Equal(ExitCodes.Usage, time.ExitCode);
        Assert.Equal("error: --time must be a positive number of seconds, got 0.", time.Error.Trim());
        var unknown = CliRun.Start("train", "--dataset", run.TrainCsv);
        Assert.Equal(ExitCodes.Usage, unknown.ExitCode);
        Assert.Contains("Option '--label' is required.", unknown.Error);
        var device = CliRun.Start("evaluate", "--model", run.Model, "--dataset", run.TestCsv, "--device", "gpu7");
        Assert.Equal(ExitCodes.BadInput, device.ExitCode);
        Assert.Equal("error: --device: 'gpu7' is not a device. Use cpu, cuda or cuda:N (for example cuda:0).", device.Error.Trim());
        if (!TorchRuntime.EnsureLoaded().CudaAvailable)
        {
            // No GPU here: asking for one fails at once, before the budget is spent, with the runtime's reason.
            var cuda = CliRun.Start("train", "--dataset", run.TrainCsv, "--label", "credit", "--time", "60", "--device", "cuda:0", "--output", Path.Combine(run.Folder, "cuda"));
            Assert.Equal(ExitCodes.BadInput, cuda.ExitCode);
            Assert.StartsWith("error: --device: TorchRuntime: option 'Device' asks for 'cuda:0', but the loaded libtorch has no usable CUDA device", cuda.Error.Trim());
            Assert.False(Directory.Exists(Path.Combine(run.Folder, "cuda")));
        }
        var noModel = CliRun.Start("predict", "--model", Path.Combine(run.Folder, "none.zip"), "--dataset", run.TestCsv, "--output", Path.Combine(run.Folder, "p.csv"));
        Assert.Equal(ExitCodes.BadInput, noModel.ExitCode);
        Assert.Contains("does not exist. Give the model.zip written by deepml train.", noModel.Error);
    }
}
