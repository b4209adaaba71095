using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;
using static DeepML.Core.Tests.Persistence.PersistenceFixtures;

namespace DeepML.Core.Tests.Persistence;

/// <summary>NaN features give the same outputs after a save and load: NaN scores and the missing key (0).</summary>
public sealed class MissingValueTests
{
    [Fact]
    public void NaNFeaturesGiveTheMissingKeyAndNaNScoresBeforeAndAfterSaving()
    {
        var ml = new MLContext(seed: 1);
        var rows = ml.Data.CreateEnumerable<Row>(Data(ml, 40, seed: 12), reuseRowObject: false).ToArray();
        for (var i = 0; i < rows.Length; i += 4)
            rows[i].Raw[i % Inputs] = float.NaN;
        var data = ml.Data.LoadFromEnumerable(rows);
        using var model = Pipeline(ml, data, Model(PredictionKind.MulticlassClassification));
        var path = TempPath(".zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var expected = model.Transform(data);
            Assert.Contains(0u, expected.GetColumn<uint>("PredictedLabel"));
            Assert.Contains(expected.GetColumn<float[]>("Score"), s => float.IsNaN(s[0]));
            AssertSamePredictions(PredictionKind.MulticlassClassification, expected, new MLContext(2).Model.Load(path, out _).Transform(data));
            AssertSamePredictions(PredictionKind.MulticlassClassification, expected, new MLContext(3).DeepML().Model.Load(path, out _).Transform(data));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
