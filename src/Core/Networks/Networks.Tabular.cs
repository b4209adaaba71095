namespace DeepML;

/// <summary>Which numerical-feature embedding <see cref="Networks.MlpWithEmbeddings"/> puts before the MLP.</summary>
public enum NumericEmbeddingKind
{
    /// <summary>Periodic embeddings with a linear layer and ReLU (<see cref="PeriodicEmbeddingLayer"/>, "PLR").</summary>
    Periodic,
    /// <summary>Piecewise-linear encoding with quantile bins fitted on the training data (<see cref="PiecewiseLinearEncodingLayer"/>, "PLE-Q").</summary>
    PiecewiseLinear,
}

public static partial class Networks
{
    /// <summary>
    /// An FT-Transformer body (Gorishniy et al. 2021, <i>Revisiting Deep Learning Models for Tabular Data</i>):
    /// <see cref="FeatureTokenizerLayer"/> (CLS first), <paramref name="blocks"/> pre-norm <see cref="TransformerBlockLayer"/>s
    /// (the first without the attention's layer norm, as in the paper), <see cref="ClsPoolingLayer"/>, then
    /// <c>LayerNorm → Relu</c>; the trainer adds the output layer on the CLS token.
    /// </summary>
    /// <remarks>
    /// The paper's default is d = 192, 3 blocks, 8 heads, attention dropout 0.2, FFN dropout 0.1, residual dropout 0,
    /// a ReGLU feed-forward of 4/3·d, trained with AdamW (lr 1e-4, weight decay 1e-5). These defaults keep its dropouts
    /// and heads but use d = 64 and 2 blocks with a GELU feed-forward of 2·d, which trains UCI Adult in minutes on two CPU
    /// cores; pass the paper's sizes for the full model. Pair it with <c>Optimizer = AdamW</c>, a learning rate near 1e-4–1e-3
    /// and weight decay 1e-5.
    /// </remarks>
    /// <param name="dimension">Token dimension d; a multiple of <paramref name="heads"/>.</param>
    /// <param name="blocks">Transformer blocks; at least 1.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="attentionDropout">Dropout on the attention weights.</param>
    /// <param name="ffnDropout">Dropout inside the feed-forward part.</param>
    /// <param name="residualDropout">Dropout on each branch before its residual add.</param>
    /// <param name="ffnHidden">Hidden units of the feed-forward part; 0 means 2·d.</param>
    /// <param name="categoricalSlots">Feature slots holding category keys (see <see cref="FeatureTokenizerLayer"/>); null for none.</param>
    /// <param name="cardinalities">Known keys per categorical slot.</param>
    public static NetworkSpec FtTransformer(int dimension = 64, int blocks = 2, int heads = 8, double attentionDropout = 0.2, double ffnDropout = 0.1,
        double residualDropout = 0, int ffnHidden = 0, int[]? categoricalSlots = null, int[]? cardinalities = null)
    {
        if (blocks < 1)
            throw new ArgumentException($"Networks.FtTransformer: blocks must be at least 1, got {blocks}.", nameof(blocks));
        if (heads < 1 || dimension % heads != 0)
            throw new ArgumentException($"Networks.FtTransformer: dimension ({dimension}) must be a positive multiple of heads ({heads}).", nameof(dimension));
        if (ffnHidden < 0)
            throw new ArgumentException($"Networks.FtTransformer: ffnHidden must be ≥ 0 (0 means 2·dimension), got {ffnHidden}.", nameof(ffnHidden));
        var layers = new List<LayerSpec> { new FeatureTokenizerLayer(dimension, categoricalSlots, cardinalities) };
        for (var b = 0; b < blocks; b++)
            layers.Add(new TransformerBlockLayer(heads, ffnHidden == 0 ? 2 * dimension : ffnHidden, dimension, attentionDropout, ffnDropout, residualDropout, normalizeAttentionInput: b > 0));
        layers.AddRange([new ClsPoolingLayer(), new LayerNormLayer(), new ActivationLayer(ActivationKind.Relu)]);
        return new NetworkSpec(layers);
    }

    /// <summary>
    /// An MLP on numerical-feature embeddings (Gorishniy, Rubachev and Babenko 2022): a <see cref="PeriodicEmbeddingLayer"/>
    /// or a <see cref="PiecewiseLinearEncodingLayer"/> on <paramref name="slots"/> (the other slots pass through), then
    /// <see cref="Mlp"/>'s <c>Dense → activation → [Dropout]</c> layers.
    /// </summary>
    /// <param name="hiddenUnits">Units of each hidden layer.</param>
    /// <param name="embedding">Which embedding.</param>
    /// <param name="slots">Slots to embed (the numeric ones); null embeds every slot.</param>
    /// <param name="dropout">Dropout after each hidden layer.</param>
    /// <param name="frequencies">PLR: frequencies per slot (k).</param>
    /// <param name="dimension">PLR: embedding dimension per slot (d).</param>
    /// <param name="sigma">PLR: standard deviation of the frequencies' initialisation.</param>
    /// <param name="bins">PLE: quantile bins per slot.</param>
    public static NetworkSpec MlpWithEmbeddings(int[] hiddenUnits, NumericEmbeddingKind embedding = NumericEmbeddingKind.Periodic, int[]? slots = null,
        double dropout = 0, int frequencies = 16, int dimension = 16, double sigma = 0.1, int bins = 16)
    {
        LayerSpec first = embedding switch
        {
            NumericEmbeddingKind.Periodic => new PeriodicEmbeddingLayer(frequencies, dimension, sigma, slots),
            NumericEmbeddingKind.PiecewiseLinear => new PiecewiseLinearEncodingLayer(bins, slots),
            _ => throw new ArgumentException($"Networks.MlpWithEmbeddings: unknown embedding {(int)embedding}; use Periodic or PiecewiseLinear.", nameof(embedding)),
        };
        return new NetworkSpec(Mlp(hiddenUnits, dropout: dropout).Layers.Prepend(first));
    }
}
