using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Estimators.Tests.Trainers;

/// <summary>Bad input: each error says what happened, what was expected and how to fix it, word for word.</summary>
public class TrainerErrorTests
{
    private static readonly NeuralNetworkOptions Fast = new()
    {
        Network = Networks.Mlp([4]), Epochs = 1, BatchSize = 16, ValidationFraction = 0, NumberOfThreads = 1, Seed = 1,
    };

    public TrainerErrorTests() => TorchRuntime.EnsureLoaded();

    private static BinaryRow[] CreditRows(int n) => Enumerable.Range(0, n).Select(i => new BinaryRow { Features = (float[])TestData.Credit.X[i].Clone(), Label = TestData.Credit.Y[i] }).ToArray();

    private static IDataView View<T>(MLContext ml, IEnumerable<T> rows, int features = 7) where T : class => ml.Data.LoadFromEnumerable(rows, TestData.Definition<T>(features));

    private static Exception FitBinary(IDataView data, NeuralNetworkOptions? options = null)
    {
        var ml = new MLContext(1);
        return Assert.ThrowsAny<Exception>(() => ml.DeepML().BinaryClassification.NeuralNetwork(options ?? Fast).Fit(data).Dispose());
    }

    [Fact]
    public void MissingFeatureColumnListsTheAvailableColumns()
    {
        var e = FitBinary(View(new MLContext(1), CreditRows(20)), Fast with { FeatureColumnName = "Pixels" });
        Assert.IsType<ArgumentOutOfRangeException>(e);
        Assert.Equal("BinaryNeuralNetworkTrainer: feature column 'Pixels' was not found. Available columns: 'Features', 'Label', 'Weight'. " +
            "Pass the right column name in the options or add the column to the pipeline. (Parameter 'Pixels')", e.Message);
    }

    [Fact]
    public void DataTooLargeForMemoryFailsBeforeReadingAnyRow()
    {
        // The view claims 3 billion rows: 3e9 × 7 values are more than one .NET array holds.
        var e = FitBinary(new ClaimedRowCount(View(new MLContext(1), CreditRows(20)), 3_000_000_000));
        Assert.IsType<NotSupportedException>(e);
        Assert.Equal($"BinaryNeuralNetworkTrainer: the training data is too large to train on in memory: 3,000,000,000 rows × 7 features is more than the {Array.MaxLength:N0} values one .NET array holds. " +
            "DeepML reads the training rows into memory before training. Train on a sample (ml.Data.TakeRows or ml.Data.BootstrapSample) or reduce the features.", e.Message);
    }

    [Fact]
    public void MemoryEstimateIsCheckedAgainstWhatTheProcessHas()
    {
        // 10M rows × 100 features as Single, plus 16 bytes per row: 4.16 GB.
        TrainingData.CheckCapacity(10_000_000, 100, 5_000_000_000, "C", "training");
        var e = Assert.Throws<InsufficientMemoryException>(() => TrainingData.CheckCapacity(10_000_000, 100, 4_000_000_000, "C", "training"));
        Assert.StartsWith("C: the training data needs about 4.2 GB in memory (10,000,000 rows × 100 features as Single), but the process has 4.0 GB available.", e.Message);
        TrainingData.CheckCapacity(10_000_000, 100, 0, "C", "training");   // an unknown limit (0) is not checked
    }

    /// <summary>A view that reports a row count of its own (what a huge source would report) over real rows.</summary>
    private sealed class ClaimedRowCount(IDataView inner, long rows) : IDataView
    {
        public bool CanShuffle => inner.CanShuffle;
        public DataViewSchema Schema => inner.Schema;
        public long? GetRowCount() => rows;
        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => inner.GetRowCursor(columnsNeeded, rand);
        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => inner.GetRowCursorSet(columnsNeeded, n, rand);
    }

    [Fact]
    public void WrongFeatureTypeNamesColumnExpectedActualAndFix()
    {
        var ml = new MLContext(1);
        var e = FitBinary(ml.Data.LoadFromEnumerable([new AnyRow<string, bool> { Features = "a" }]));
        Assert.Equal("BinaryNeuralNetworkTrainer: schema mismatch for feature column 'Features': expected known-size vector of Single, got String. " +
            "Concatenate numeric columns into one vector first (ml.Transforms.Concatenate) and convert them to Single (ml.Transforms.Conversion.ConvertType). (Parameter 'Features')", e.Message);
    }

    [Fact]
    public void VariableSizeVectorIsRejectedWithTheReason()
    {
        var ml = new MLContext(1);
        var e = FitBinary(ml.Data.LoadFromEnumerable([new AnyRow<float[], bool> { Features = [1, 2] }]));
        Assert.StartsWith("BinaryNeuralNetworkTrainer: schema mismatch for feature column 'Features': expected known-size vector of Single, got Vector<Single> of unknown size. " +
            "The vector's size must be known when the pipeline is built", e.Message);
    }

    [Fact]
    public void WrongVectorSizeAtTransformNamesTheTrainedSize()
    {
        var ml = new MLContext(1);
        using var fitted = ml.DeepML().BinaryClassification.NeuralNetwork(Fast).Fit(View(ml, CreditRows(50)));
        var eight = SchemaDefinition.Create(typeof(FeatureRow));
        eight["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 8);
        var e = Assert.ThrowsAny<ArgumentException>(() => fitted.Transform(ml.Data.LoadFromEnumerable([new FeatureRow { Features = new float[8] }], eight)));
        Assert.StartsWith("NetworkScoringTransformer: schema mismatch for feature column 'Features': expected vector of Single of size 7 (the size the model was trained on), got Vector<Single, 8>. ", e.Message);
    }

    [Fact]
    public void ZeroRowsFailsWithTheRoleAndAHint()
    {
        var e = FitBinary(View(new MLContext(1), Array.Empty<BinaryRow>()));
        Assert.IsType<InvalidOperationException>(e);
        Assert.Equal("BinaryNeuralNetworkTrainer: the training data has no rows. Check the data source and any filters before this trainer.", e.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void NonFiniteFeatureNamesRowSlotAndValue(float bad)
    {
        var rows = CreditRows(30);
        rows[17].Features[5] = bad;
        var e = FitBinary(View(new MLContext(1), rows));
        Assert.IsType<InvalidOperationException>(e);
        Assert.Equal($"BinaryNeuralNetworkTrainer: training row 17, feature column 'Features' slot 5 holds {bad}; features must be finite. " +
            "Replace missing values first (ml.Transforms.ReplaceMissingValues) or filter the rows.", e.Message);
    }

    [Fact]
    public void NaNRegressionLabelNamesRow()
    {
        var ml = new MLContext(1);
        var rows = Enumerable.Range(0, 20).Select(i => new ValueRow { Features = TestData.Diabetes.X[i], Label = i == 11 ? float.NaN : 1 }).ToArray();
        var e = Assert.Throws<InvalidOperationException>(() => ml.DeepML().Regression.NeuralNetwork(Fast).Fit(View(ml, rows, 10)));
        Assert.Equal("RegressionNeuralNetworkTrainer: training row 11, label column 'Label' holds NaN; regression labels must be finite. Filter or impute these rows first.", e.Message);
    }

    [Fact]
    public void SingleClassIsRejectedWithTheClassAndRowCount()
    {
        var rows = CreditRows(40).Where(r => !r.Label).Take(25).ToArray();
        var e = FitBinary(View(new MLContext(1), rows));
        Assert.Equal("BinaryNeuralNetworkTrainer: the training data holds a single class (false, 25 rows); a classifier needs at least two. " +
            "Check the label column and any filters, or use more data.", e.Message);
    }

    [Fact]
    public void SingleClassMulticlassNamesTheClass()
    {
        var ml = new MLContext(1);
        var e = Assert.Throws<InvalidOperationException>(() => ml.DeepML().MulticlassClassification.NeuralNetwork(Fast).Fit(TestData.IrisView(ml, Enumerable.Range(0, 30))));
        Assert.StartsWith("MulticlassNeuralNetworkTrainer: the training data holds a single class (setosa, 30 rows)", e.Message);
    }

    private sealed class KeyLabelRow
    {
        public float[] Features { get; set; } = [];

        [KeyType(3)]
        public uint Label { get; set; }
    }

    /// <remarks>
    /// Key 0 (missing) is what reaches a trainer for any label outside the key range: ML.NET 5's
    /// enumerable loader reads a [KeyType(3)] property as 0-based (0..2 become keys 1..3) and any
    /// value of 3 or more as key 0 (observed), so an out-of-range label arrives as key 0.
    /// </remarks>
    [Fact]
    public void MulticlassKeyZeroNamesRowAndKey()
    {
        const uint key = 0;
        var ml = new MLContext(1);
        var rows = Enumerable.Range(0, 12).Select(i => new KeyLabelRow { Features = TestData.Iris.X[i * 12], Label = i == 9 ? 7u : (uint)(i % 3) }).ToArray();
        var e = Assert.Throws<InvalidOperationException>(() => ml.DeepML().MulticlassClassification.NeuralNetwork(Fast).Fit(View(ml, rows, 4)));
        Assert.Equal($"MulticlassNeuralNetworkTrainer: training row 9, label column 'Label' holds key {key}, outside the 3 classes (key 0 means a missing or unseen label). " +
            "Fit MapValueToKey on data that holds every class, and remove rows with missing labels.", e.Message);
    }

    [Fact]
    public void NegativeWeightNamesRowAndColumn()
    {
        var rows = CreditRows(30);
        rows[3].Weight = -1;
        var e = FitBinary(View(new MLContext(1), rows), Fast with { ExampleWeightColumnName = "Weight" });
        Assert.Equal("BinaryNeuralNetworkTrainer: training row 3, example weight column 'Weight' holds -1; weights must be finite and ≥ 0.", e.Message);
    }

    [Fact]
    public void AllZeroWeightsCannotBeLearned()
    {
        var rows = CreditRows(30);
        foreach (var r in rows)
            r.Weight = 0;
        var e = FitBinary(View(new MLContext(1), rows), Fast with { ExampleWeightColumnName = "Weight" });
        Assert.StartsWith("BinaryNeuralNetworkTrainer: every training example has weight 0; nothing can be learned.", e.Message);
    }

    [Fact]
    public void SingleBinaryLabelOtherThanZeroOrOneNamesRow()
    {
        var ml = new MLContext(1);
        var rows = Enumerable.Range(0, 10).Select(i => new ValueRow { Features = TestData.Credit.X[i], Label = i == 4 ? 2 : i % 2 }).ToArray();
        var e = Assert.Throws<InvalidOperationException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(Fast).Fit(View(ml, rows)));
        Assert.StartsWith("BinaryNeuralNetworkTrainer: training row 4, label column 'Label' holds 2; a Single binary label must be 0 or 1.", e.Message);
    }

    [Fact]
    public void ClassWeightsOfTheWrongLengthAreRejectedWhenTheTrainerIsMade()
    {
        var ml = new MLContext(1);
        var e = Assert.Throws<ArgumentException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(Fast with { ClassWeights = [1, 2, 3] }));
        Assert.StartsWith("NeuralNetworkOptions: ClassWeights for binary classification must hold 2 values [negative, positive], got 3.", e.Message);
        var m = Assert.Throws<ArgumentException>(() => ml.DeepML().MulticlassClassification.NeuralNetwork(Fast with { ClassWeights = [1, 2] }).Fit(TestData.IrisView(ml)));
        Assert.StartsWith("NeuralNetworkOptions: ClassWeights holds 2 values but label 'Label' has 3 classes.", m.Message);
    }
}
