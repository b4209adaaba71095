using DeepML.Testing;
using Microsoft.ML;

namespace DeepML.Estimators.Tests.Trainers;

/// <summary>The contract suite for the binary trainer, on the German credit numeric attributes.</summary>
public sealed class BinaryNeuralNetworkTrainerContractTests : NeuralNetworkTrainerContract<BinaryNeuralNetworkTrainer, BinaryPrediction>
{
    protected override int FeatureCount => 7;
    protected override float[][] FeatureMatrix => TestData.Credit.X;
    protected override LossKind WrongLoss => LossKind.CrossEntropy;
    protected override IDataView CreateTrainingData(MLContext ml) => TestData.CreditView(ml, take: 400);
    protected override IDataView CreateCancellationData(MLContext ml) => TestData.CreditView(ml);

    protected override BinaryNeuralNetworkTrainer Create(MLContext ml, NeuralNetworkOptions options) =>
        ml.DeepML().BinaryClassification.NeuralNetwork(options);

    protected override (string Expected, IDataView Data) WrongLabel(MLContext ml) =>
        ("Boolean (or Single holding 0 and 1)", ml.Data.LoadFromEnumerable([new AnyRow<float[], string> { Features = new float[7], Label = "yes" }], TestData.Definition<AnyRow<float[], string>>(7)));
}

/// <summary>The contract suite for the multiclass trainer, on iris.</summary>
public sealed class MulticlassNeuralNetworkTrainerContractTests : NeuralNetworkTrainerContract<MulticlassNeuralNetworkTrainer, MulticlassPrediction>
{
    protected override int FeatureCount => 4;
    protected override float[][] FeatureMatrix => TestData.Iris.X;
    protected override LossKind WrongLoss => LossKind.MeanSquaredError;
    protected override IDataView CreateTrainingData(MLContext ml) => TestData.IrisView(ml);
    protected override IDataView CreateCancellationData(MLContext ml) => TestData.IrisView(ml, Enumerable.Range(0, 600).Select(i => i % 150));

    // Iris rows come sorted by class: score a spread of rows so that every class appears.
    protected override IReadOnlyList<FeatureRow> CreateScoringRows() =>
        Enumerable.Range(0, 40).Select(i => new FeatureRow { Features = TestData.Iris.X[i * 150 / 40] }).ToArray();

    protected override MulticlassNeuralNetworkTrainer Create(MLContext ml, NeuralNetworkOptions options) =>
        ml.DeepML().MulticlassClassification.NeuralNetwork(options);

    protected override (string Expected, IDataView Data) WrongLabel(MLContext ml) =>
        ("a key type", ml.Data.LoadFromEnumerable([new AnyRow<float[], string> { Features = new float[4], Label = "setosa" }], TestData.Definition<AnyRow<float[], string>>(4)));
}

/// <summary>The contract suite for the regression trainer, on diabetes.</summary>
public sealed class RegressionNeuralNetworkTrainerContractTests : NeuralNetworkTrainerContract<RegressionNeuralNetworkTrainer, RegressionPrediction>
{
    protected override int FeatureCount => 10;
    protected override float[][] FeatureMatrix => TestData.Diabetes.X;
    protected override LossKind WrongLoss => LossKind.BinaryCrossEntropy;
    protected override IDataView CreateTrainingData(MLContext ml) => TestData.DiabetesView(ml);
    protected override IDataView CreateCancellationData(MLContext ml) => TestData.DiabetesView(ml, Enumerable.Range(0, 884).Select(i => i % 442));

    protected override RegressionNeuralNetworkTrainer Create(MLContext ml, NeuralNetworkOptions options) =>
        ml.DeepML().Regression.NeuralNetwork(options);

    protected override (string Expected, IDataView Data) WrongLabel(MLContext ml) =>
        ("Single", ml.Data.LoadFromEnumerable([new AnyRow<float[], string> { Features = new float[10], Label = "high" }], TestData.Definition<AnyRow<float[], string>>(10)));
}
