using DeepML.Examples;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace DeepML.Benchmarks;

/// <summary>Adult as 12 numeric columns (categories as frequency codes) and a FastTree binary model on them, shared by the cases.</summary>
internal static class AdultTrees
{
    public sealed class Row
    {
        [VectorType(12)]
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    private static readonly string[] Numeric = ["Age", "Fnlwgt", "EducationNum", "CapitalGain", "CapitalLoss", "HoursPerWeek"];
    private static readonly string[] Categorical = ["Workclass", "MaritalStatus", "Occupation", "Relationship", "Race", "Sex"];

    /// <summary>The train and test views (Features: 12 slots named after the columns) and the fitted model.</summary>
    public static (IDataView Train, IDataView Test, BinaryPredictionTransformer<CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>> Model)
        Load(MLContext ml, int trees = 100, int leaves = 20)
    {
        var train = AdultDataset.LoadTrain();
        var test = AdultDataset.LoadTest();
        var codes = Categorical.ToDictionary(c => c, c => train.GroupBy(r => Text(r, c)).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select((g, i) => (g.Key, Code: i + 1f)).ToDictionary(p => p.Key, p => p.Code));
        var names = Numeric.Concat(Categorical).ToArray();
        IDataView View(IReadOnlyList<AdultRow> rows)
        {
            var schema = SchemaDefinition.Create(typeof(Row));
            schema["Features"].AddAnnotation("SlotNames", new VBuffer<ReadOnlyMemory<char>>(names.Length, names.Select(n => n.AsMemory()).ToArray()),
                new VectorDataViewType(TextDataViewType.Instance, names.Length));
            return ml.Data.Cache(ml.Data.LoadFromEnumerable(rows.Select(r => new Row
            {
                Features = [.. Numeric.Select(c => Number(r, c)), .. Categorical.Select(c => codes[c].GetValueOrDefault(Text(r, c)))],
                Label = r.Label,
            }).ToArray(), schema));
        }
        var trainView = View(train);
        var model = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = trees, NumberOfLeaves = leaves, MinimumExampleCountPerLeaf = 10, LearningRate = 0.2, NumberOfThreads = 1,
        }).Fit(trainView);
        return (trainView, View(test), model);
    }

    private static string Text(AdultRow row, string column) => (string)typeof(AdultRow).GetProperty(column)!.GetValue(row)!;

    private static float Number(AdultRow row, string column) => (float)typeof(AdultRow).GetProperty(column)!.GetValue(row)!;
}
