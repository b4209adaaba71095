namespace DeepML.Examples;

/// <summary>The example's models. Each is one <see cref="ModelRun"/>; Program.cs lists the ones it runs.</summary>
public static class ModelRuns
{
    private static readonly NeuralNetworkOptions Common = new()
    {
        Optimizer = OptimizerKind.AdamW, LearningRate = 2e-3, WeightDecay = 1e-4, BatchSize = 128, ValidationFraction = 0.1,
        LearningRateSchedule = LearningRateSchedule.Cosine(minimum: 1e-5), Seed = 1,
    };

    /// <summary>Networks.Cnn(): two conv blocks (32, 64 channels) with max pooling, a 128-unit dense layer, dropout 0.25.</summary>
    public static ModelRun Cnn => new("cnn", Common with { Network = Networks.Cnn() }, SubsetEpochs: 2, FullEpochs: 12);

    /// <summary>Networks.ResNet(): a 16-channel stem and three stages (16, 32, 64) of one basic block each, global average pooling.</summary>
    public static ModelRun ResNet => new("resnet", Common with { Network = Networks.ResNet() }, SubsetEpochs: 2, FullEpochs: 8);

    /// <summary>Networks.Lstm(128): an LSTM reading each image as 28 rows (steps) of 28 pixels, its last step into a 64-unit dense layer.</summary>
    public static ModelRun Lstm => new("lstm", Common with { Network = Networks.Lstm(128, denseUnits: [64]) }, SubsetEpochs: 3, FullEpochs: 15)
    {
        Shape = new TensorShape(28, 28),
    };
}
