using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Estimators.Tests.Trainers;

/// <summary>
/// The trainers report schema problems in DeepML's one wording (Core's public <see cref="ColumnChecks"/>), the
/// same at pipeline construction and at Fit; and DeepML.Estimators builds on Core's public API only.
/// </summary>
public sealed class SharedErrorWordingTests
{
    private sealed class Row
    {
        [VectorType(2)] public float[] Features { get; set; } = [0, 0];
        public bool Label { get; set; }
        public double Weight { get; set; }
    }

    private static readonly MLContext Ml = new(seed: 1);

    public SharedErrorWordingTests() => TorchRuntime.EnsureLoaded();

    private static IDataView Data() => Ml.Data.LoadFromEnumerable([new Row { Features = [1, 2], Label = true, Weight = 1 }, new Row()]);

    private static NeuralNetworkOptions Options(string features = "Features", string? weight = null) => new()
    {
        Network = Networks.Mlp([2]), Epochs = 1, BatchSize = 2, ValidationFraction = 0, NumberOfThreads = 1, Seed = 1,
        FeatureColumnName = features, ExampleWeightColumnName = weight,
    };

    [Fact]
    public void AMissingFeatureColumnReadsAsCoresNotFoundMessageAtConstructionAndAtFit()
    {
        var trainer = Ml.DeepML().BinaryClassification.NeuralNetwork(Options(features: "Pixels"));
        var expected = ColumnChecks.NotFoundMessage("BinaryNeuralNetworkTrainer", "feature", "Pixels", ["Features", "Label", "Weight"]);
        var atShape = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.GetOutputSchema(SchemaShapes.FromSchema(Data().Schema)));
        var atFit = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(Data()));
        Assert.Equal(expected, atShape.Message.Split(" (Parameter")[0]);
        Assert.Equal(expected, atFit.Message.Split(" (Parameter")[0]);
    }

    [Fact]
    public void AWrongWeightTypeReadsAsCoresMismatchMessageWithCoresTypeDescriptions()
    {
        var trainer = Ml.DeepML().BinaryClassification.NeuralNetwork(Options(weight: "Weight"));
        const string fix = "Convert it with ml.Transforms.Conversion.ConvertType(..., DataKind.Single).";
        var expected = ColumnChecks.MismatchMessage("BinaryNeuralNetworkTrainer", "example weight", "Weight", "Single", "Double", fix);
        var atShape = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.GetOutputSchema(SchemaShapes.FromSchema(Data().Schema)));
        var atFit = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(Data()));
        Assert.Equal(expected, atShape.Message.Split(" (Parameter")[0]);
        Assert.Equal(expected, atFit.Message.Split(" (Parameter")[0]);
        Assert.Equal("Weight", atFit.ParamName);
    }

    [Fact]
    public void EstimatorsReferencesCoreAndTransformsOnlyAndGrantsInternalsToItsTestProjectOnly()
    {
        // The compiled references (a project reference whose types are unused leaves no trace here): DESIGN.md §3's
        // direction, Core ← Transforms ← Estimators (the gradient explainers implement Transforms' IVectorExplainer); never Fairness.
        var estimators = typeof(BinaryNeuralNetworkTrainer).Assembly;
        var deepml = estimators.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("DeepML.", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["DeepML.Core", "DeepML.Transforms"], deepml);
        Assert.Equal(["DeepML.Estimators.Tests"], estimators.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName));
    }
}
