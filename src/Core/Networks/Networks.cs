namespace DeepML;

/// <summary>Ready-made network bodies. Trainers add the input size and the output head.</summary>
public static partial class Networks
{
    /// <summary>
    /// A multi-layer perceptron body: for each hidden size, <c>Dense → [BatchNorm] → activation → [Dropout]</c>.
    /// </summary>
    /// <param name="hiddenUnits">Units of each hidden layer, input side first; empty gives a linear model.</param>
    /// <param name="activation">The non-linearity after each hidden layer.</param>
    /// <param name="dropout">Dropout rate after each hidden layer, in [0, 1); 0 adds none.</param>
    /// <param name="batchNorm">Whether to add batch normalisation after each hidden dense layer.</param>
    public static NetworkSpec Mlp(int[] hiddenUnits, ActivationKind activation = ActivationKind.Relu, double dropout = 0, bool batchNorm = false)
    {
        ArgumentNullException.ThrowIfNull(hiddenUnits);
        if (!(dropout >= 0 && dropout < 1))
            throw new ArgumentException($"Networks.Mlp: dropout must be in [0, 1), got {dropout}.", nameof(dropout));
        var layers = new List<LayerSpec>();
        foreach (var units in hiddenUnits)
        {
            if (units < 1)
                throw new ArgumentException($"Networks.Mlp: every hidden layer needs at least 1 unit, got {units}.", nameof(hiddenUnits));
            layers.Add(new DenseLayer(units));
            if (batchNorm)
                layers.Add(new BatchNormLayer());
            layers.Add(new ActivationLayer(activation));
            if (dropout > 0)
                layers.Add(new DropoutLayer(dropout));
        }
        return new NetworkSpec(layers);
    }

    /// <summary>A linear model body (no hidden layers): the trainer's head is the only layer.</summary>
    public static NetworkSpec Linear() => new([]);

    /// <summary>
    /// A convolutional body for small images (<c>[C, H, W]</c>, declared with <c>NeuralNetworkOptions.InputShape</c>):
    /// for each entry of <paramref name="channels"/> a block <c>Conv2d(k×k, same padding) → [BatchNorm] → Relu → MaxPool(2)</c>,
    /// then <c>Flatten</c> and for each entry of <paramref name="denseUnits"/> <c>Dense → Relu → [Dropout]</c>; the trainer adds the output layer.
    /// </summary>
    /// <remarks>
    /// The defaults suit 28×28 grey images (MNIST, Fashion-MNIST, <c>[1, 28, 28]</c>): two blocks of 32 and 64 channels take
    /// 28×28 to 64×7×7 (3,136 values), a 128-unit dense layer and dropout 0.25 follow: about 422 k weights and 4.2 M
    /// multiply-adds per image forward. Each block's pooling halves the spatial size (floor), so an input needs at least
    /// 2^blocks pixels per side; a smaller one fails when the network is bound, naming the block.
    /// </remarks>
    /// <param name="channels">Output channels of each convolution block, input side first; at least one, each at least 1. Default [32, 64].</param>
    /// <param name="denseUnits">Units of each hidden dense layer after flattening; may be empty. Default [128].</param>
    /// <param name="kernelSize">Odd kernel size of each convolution (padding kernelSize / 2 keeps the size); at least 1. Default 3.</param>
    /// <param name="dropout">Dropout rate after each hidden dense layer, in [0, 1); 0 adds none. Default 0.25.</param>
    /// <param name="batchNorm">Whether each convolution is followed by batch normalisation (then it has no bias). Default true.</param>
    public static NetworkSpec Cnn(int[]? channels = null, int[]? denseUnits = null, int kernelSize = 3, double dropout = 0.25, bool batchNorm = true)
    {
        channels ??= [32, 64];
        denseUnits ??= [128];
        if (channels.Length == 0 || channels.Any(c => c < 1))
            throw new ArgumentException($"Networks.Cnn: channels must hold at least one block, each with at least 1 channel, got [{string.Join(", ", channels)}].", nameof(channels));
        if (denseUnits.Any(u => u < 1))
            throw new ArgumentException($"Networks.Cnn: every dense layer needs at least 1 unit, got [{string.Join(", ", denseUnits)}].", nameof(denseUnits));
        if (kernelSize < 1 || kernelSize % 2 == 0)
            throw new ArgumentException($"Networks.Cnn: kernelSize must be odd and at least 1 (so that padding kernelSize / 2 keeps the size), got {kernelSize}.", nameof(kernelSize));
        if (!(dropout >= 0 && dropout < 1))
            throw new ArgumentException($"Networks.Cnn: dropout must be in [0, 1), got {dropout}.", nameof(dropout));
        var layers = new List<LayerSpec>();
        foreach (var c in channels)
        {
            layers.Add(new Conv2dLayer(c, kernelSize, padding: kernelSize / 2, useBias: !batchNorm));
            if (batchNorm)
                layers.Add(new BatchNormLayer());
            layers.Add(new ActivationLayer(ActivationKind.Relu));
            layers.Add(new MaxPoolLayer(2));
        }
        layers.Add(new FlattenLayer());
        foreach (var units in denseUnits)
        {
            layers.Add(new DenseLayer(units));
            layers.Add(new ActivationLayer(ActivationKind.Relu));
            if (dropout > 0)
                layers.Add(new DropoutLayer(dropout));
        }
        return new NetworkSpec(layers);
    }

    /// <summary>
    /// A ResNet body (He et al. 2016, the CIFAR variant): a stem <c>Conv2d(3×3) → BatchNorm → Relu</c>, then stages of
    /// <see cref="BasicBlock"/>s (the first block of every stage after the first halves the size with stride 2 and a
    /// 1×1 projection shortcut), then <see cref="GlobalAveragePoolLayer"/>; the trainer adds the output layer.
    /// </summary>
    /// <remarks>
    /// The defaults suit 28×28 grey images (<c>[1, 28, 28]</c>): stem of 16 channels, stages of 16, 32 and 64 channels with
    /// one block each, so 28×28 → 14×14 → 7×7 and a 64-value pooled vector: about 78 k weights and 9.3 M multiply-adds per
    /// image forward. <c>stageChannels: [64, 128, 256, 512], blocksPerStage: 2</c> with a 64-channel stem is ResNet-18's body
    /// (without its 7×7 stem and max-pool, which suit 224×224 inputs).
    /// </remarks>
    /// <param name="stageChannels">Channels of each stage; at least one, each at least 1. Default [16, 32, 64].</param>
    /// <param name="blocksPerStage">Basic blocks in each stage; at least 1. Default 1.</param>
    /// <param name="stemChannels">Channels of the stem convolution; at least 1. Default 16.</param>
    public static NetworkSpec ResNet(int[]? stageChannels = null, int blocksPerStage = 1, int stemChannels = 16)
    {
        stageChannels ??= [16, 32, 64];
        if (stageChannels.Length == 0 || stageChannels.Any(c => c < 1))
            throw new ArgumentException($"Networks.ResNet: stageChannels must hold at least one stage, each with at least 1 channel, got [{string.Join(", ", stageChannels)}].", nameof(stageChannels));
        if (blocksPerStage < 1)
            throw new ArgumentException($"Networks.ResNet: blocksPerStage must be at least 1, got {blocksPerStage}.", nameof(blocksPerStage));
        if (stemChannels < 1)
            throw new ArgumentException($"Networks.ResNet: stemChannels must be at least 1, got {stemChannels}.", nameof(stemChannels));
        var layers = new List<LayerSpec> { new Conv2dLayer(stemChannels, 3, padding: 1, useBias: false), new BatchNormLayer(), new ActivationLayer(ActivationKind.Relu) };
        var channels = stemChannels;
        for (var stage = 0; stage < stageChannels.Length; stage++)
        {
            for (var block = 0; block < blocksPerStage; block++)
            {
                var stride = stage > 0 && block == 0 ? 2 : 1;
                layers.Add(BasicBlock(channels, stageChannels[stage], stride));
                channels = stageChannels[stage];
            }
        }
        layers.Add(new GlobalAveragePoolLayer());
        return new NetworkSpec(layers);
    }

    /// <summary>
    /// A ResNet basic block on <c>[inChannels, H, W]</c>: <c>Residual(Conv2d(3×3, stride) → BatchNorm → Relu → Conv2d(3×3) → BatchNorm,
    /// shortcut) → Relu</c>, where the shortcut is the identity when the shape is kept and <c>Conv2d(1×1, stride) → BatchNorm</c>
    /// (a projection) when <paramref name="stride"/> is not 1 or the channels change. Convolutions have no bias (batch norm follows);
    /// at inference each batch norm folds into its convolution.
    /// </summary>
    /// <param name="inChannels">Channels entering the block; at least 1.</param>
    /// <param name="outChannels">Channels leaving the block; at least 1.</param>
    /// <param name="stride">Stride of the first convolution and the projection; at least 1. Default 1.</param>
    public static LayerSpec BasicBlock(int inChannels, int outChannels, int stride = 1)
    {
        if (inChannels < 1)
            throw new ArgumentException($"Networks.BasicBlock: inChannels must be at least 1, got {inChannels}.", nameof(inChannels));
        if (outChannels < 1)
            throw new ArgumentException($"Networks.BasicBlock: outChannels must be at least 1, got {outChannels}.", nameof(outChannels));
        if (stride < 1)
            throw new ArgumentException($"Networks.BasicBlock: stride must be at least 1, got {stride}.", nameof(stride));
        var body = new SequentialLayer(
            new Conv2dLayer(outChannels, 3, stride: stride, padding: 1, useBias: false), new BatchNormLayer(), new ActivationLayer(ActivationKind.Relu),
            new Conv2dLayer(outChannels, 3, padding: 1, useBias: false), new BatchNormLayer());
        var shortcut = stride == 1 && inChannels == outChannels ? null
            : new SequentialLayer(new Conv2dLayer(outChannels, 1, stride: stride, useBias: false), new BatchNormLayer());
        return new SequentialLayer(new ResidualLayer(body, shortcut), new ActivationLayer(ActivationKind.Relu));
    }
}
