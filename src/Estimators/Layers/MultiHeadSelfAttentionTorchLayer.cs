using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary>
/// <see cref="MultiHeadSelfAttentionLayer"/> → <see cref="SelfAttentionModule"/>; the four projections start Xavier-uniform
/// with zero biases (as in the FT-Transformer's reference code).
/// </summary>
internal sealed class MultiHeadSelfAttentionTorchLayer : TorchLayer<MultiHeadSelfAttentionLayer>
{
    protected override Module<Tensor, Tensor> Build(MultiHeadSelfAttentionLayer layer, TensorShape input, TorchBuildContext context) =>
        new SelfAttentionModule(input[1], layer.Heads, layer.Dropout);

    protected override void Initialize(Module<Tensor, Tensor> module, MultiHeadSelfAttentionLayer layer, TensorShape input, TorchInitContext context)
    {
        using var noGrad = no_grad();
        foreach (var linear in ((SelfAttentionModule)module).Projections)
        {
            init.xavier_uniform_(linear.weight!);
            init.zeros_(linear.bias!);
        }
    }
}

/// <summary>
/// Scaled dot-product self-attention with the same operation order as the ONNX lowering. When <see cref="Record"/> is
/// set, each forward pass keeps its attention weights <c>[N, H, T, T]</c> (after the softmax, before dropout) in
/// <see cref="LastWeights"/>, detached and on the CPU, for <see cref="AttentionMaps"/>.
/// </summary>
internal sealed class SelfAttentionModule : Module<Tensor, Tensor>
{
    private readonly Linear _query, _key, _value, _output;
    private readonly Dropout _dropout;
    private readonly long _heads, _headDim, _dim;

    public SelfAttentionModule(long dim, long heads, double dropout) : base("MultiHeadSelfAttention")
    {
        _dim = dim;
        _heads = heads;
        _headDim = dim / heads;
        _query = Linear(dim, dim);
        _key = Linear(dim, dim);
        _value = Linear(dim, dim);
        _output = Linear(dim, dim);
        _dropout = Dropout(dropout);
        register_module("query", _query);
        register_module("key", _key);
        register_module("value", _value);
        register_module("output", _output);
        register_module("attention_dropout", _dropout);
    }

    public IEnumerable<Linear> Projections => [_query, _key, _value, _output];

    /// <summary>Whether forward keeps its attention weights.</summary>
    public bool Record { get; set; }

    /// <summary>The last recorded weights, <c>[N, H, T, T]</c> on the CPU; the caller disposes them.</summary>
    public Tensor? LastWeights { get; set; }

    public override Tensor forward(Tensor x) // x: [N, T, d]
    {
        Tensor Heads(Linear p) => p.forward(x).reshape(x.shape[0], x.shape[1], _heads, _headDim).permute(0, 2, 1, 3); // [N, H, T, dh]
        var q = Heads(_query);
        var k = Heads(_key);
        var v = Heads(_value);
        var scores = q.matmul(k.permute(0, 1, 3, 2)).mul(1.0 / Math.Sqrt(_headDim)); // [N, H, T, T]
        var weights = scores.softmax(-1);
        if (Record)
        {
            LastWeights?.Dispose();
            LastWeights = weights.detach().cpu().clone().DetachFromDisposeScope();
        }
        var mixed = _dropout.forward(weights).matmul(v).permute(0, 2, 1, 3).reshape(x.shape[0], x.shape[1], _dim); // [N, T, d]
        return _output.forward(mixed);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            LastWeights?.Dispose();
            foreach (var p in Projections)
                p.Dispose();
            _dropout.Dispose();
        }
        base.Dispose(disposing);
    }
}
