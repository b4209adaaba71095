using DeepML.Cli.Data;
using DeepML.Cli.Featurization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Cli.Tests.Featurization;

public sealed class FeaturePipelineTests
{
    private static (DatasetSchema Schema, IDataView Data, MLContext Ml) Load()
    {
        // amount is heavy-tailed (max > 100 × mean); age is not; city is categorical.
        var path = Repository.Csv("features", ["age,amount,city,y", .. Enumerable.Range(0, 300).Select(i =>
            $"{20 + i % 40},{(i % 150 == 0 ? 500000 : i % 7)},{(i % 3 == 0 ? "Oslo" : i % 3 == 1 ? "Bergen" : "Bodø")},{i % 2}")]);
        var schema = CsvSchemaInference.Infer(path);
        schema = schema with { Columns = [.. schema.Columns.Select(c => c.Name == "y" ? c with { Kind = ColumnKind.Ignored } : c)] };
        var ml = new MLContext(seed: 1);
        return (schema, DatasetLoader.Load(ml, path, schema), ml);
    }

    [Fact]
    public void Trees_get_one_slot_per_number_and_one_per_category()
    {
        var (schema, data, ml) = Load();
        var features = FeaturePipeline.For(schema);
        var featurized = features.Build(ml, forNetwork: false).Fit(data).Transform(data);
        var groups = features.SlotGroups(featurized.Schema);
        Assert.Equal([0], groups["age"]);
        Assert.Equal([1], groups["amount"]);
        Assert.Equal([2, 3, 4], groups["city"]);
        var first = featurized.GetColumn<VBuffer<float>>(FeaturePipeline.FeatureColumn).First().DenseValues().ToArray();
        Assert.Equal([20f, 500000f, 1f, 0f, 0f], first); // raw values, Oslo one-hot first (order of appearance)
    }

    [Fact]
    public void The_summary_plot_colours_come_from_each_row_s_own_values()
    {
        var (schema, data, ml) = Load();
        var features = FeaturePipeline.For(schema);
        var featurized = features.Build(ml, forNetwork: false).Fit(data).Transform(data);
        var values = DeepML.Cli.Commands.ReportInsights.FeatureValues(["age", "amount", "city"], 50, featurized, features);
        Assert.Equal(50, values.Length);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(20 + i % 40, values[i][0]);                                  // one slot: the row's number
            Assert.Equal(i % 150 == 0 ? 500000 : i % 7, values[i][1]);
            Assert.True(double.IsNaN(values[i][2]));                                // a one-hot group has no single value
        }
    }

    [Fact]
    public void Networks_also_get_quantile_bins_log_amounts_and_standardised_slots_grouped_per_column()
    {
        var (schema, data, ml) = Load();
        var features = FeaturePipeline.For(schema);
        var featurized = features.Build(ml, forNetwork: true).Fit(data).Transform(data);
        var groups = features.SlotGroups(featurized.Schema);
        var width = ((VectorDataViewType)featurized.Schema[FeaturePipeline.FeatureColumn].Type).Size;
        Assert.Equal(Enumerable.Range(0, width), groups.Values.SelectMany(g => g).Order()); // every slot in exactly one group
        Assert.All(groups.Values, g => Assert.Equal(Enumerable.Range(g[0], g.Length), g));   // contiguous
        Assert.InRange(groups["age"].Length, 1 + 2, 1 + FeaturePipeline.NumericBins);          // the value and its one-hot bins
        Assert.Equal(3, groups["city"].Length);
        var rows = featurized.GetColumn<VBuffer<float>>(FeaturePipeline.FeatureColumn).Select(v => v.DenseValues().ToArray()).ToArray();
        for (var j = 0; j < width; j++)
        {
            // NormalizeMeanVariance with ML.NET's default fixZero: x / sqrt(E[x²]), so zeros (one-hot sparsity) stay and E[x²] = 1.
            var column = rows.Select(r => (double)r[j]).ToArray();
            Assert.Equal(1, column.Average(x => x * x), 3);
        }
        // amount's first slot is log(1 + x) / sqrt(E[log(1 + x)²]): closed form from the 300 raw values.
        var raw = Enumerable.Range(0, 300).Select(i => Math.Log(1 + (i % 150 == 0 ? 500000.0 : i % 7))).ToArray();
        var sigma = Math.Sqrt(raw.Average(x => x * x));
        var amount = rows.Select(r => (double)r[groups["amount"][0]]).ToArray();
        for (var i = 0; i < 300; i++)
            Assert.Equal(raw[i] / sigma, amount[i], 3);
    }
}
