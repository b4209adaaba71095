using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary>
/// Wraps TorchSharp's <c>LSTM</c> or <c>GRU</c> (batch-first, zero initial state) as a one-tensor module: the child
/// <c>"rnn"</c> holds the weights under PyTorch's names; the output is the sequence <c>[N, T, H·dirs]</c> or the top
/// layer's final states <c>[N, H·dirs]</c> (forward first, as PyTorch's <c>h_n[-2]</c>, <c>h_n[-1]</c>).
/// </summary>
internal sealed class RecurrentModule : Module<Tensor, Tensor>
{
    private readonly Module _rnn;
    private readonly Func<Tensor, (Tensor Output, Tensor Final)> _run;
    private readonly RecurrentLayer _layer;

    private RecurrentModule(Module rnn, Func<Tensor, (Tensor, Tensor)> run, RecurrentLayer layer) : base(layer.Kind)
    {
        _rnn = rnn;
        _run = run;
        _layer = layer;
        register_module(RecurrentLayer.ModuleName, rnn);
    }

    /// <summary>An LSTM for <paramref name="layer"/> over <paramref name="features"/> inputs per step.</summary>
    public static RecurrentModule Lstm(LstmLayer layer, int features)
    {
        var lstm = LSTM(features, layer.HiddenSize, layer.NumLayers, bias: true, batchFirst: true, dropout: layer.Dropout, bidirectional: layer.Bidirectional);
        return new RecurrentModule(lstm, x =>
        {
            var (output, h, _) = lstm.forward(x);
            return (output, h);
        }, layer);
    }

    /// <summary>A GRU for <paramref name="layer"/> over <paramref name="features"/> inputs per step.</summary>
    public static RecurrentModule Gru(GruLayer layer, int features)
    {
        var gru = GRU(features, layer.HiddenSize, layer.NumLayers, bias: true, batchFirst: true, dropout: layer.Dropout, bidirectional: layer.Bidirectional);
        return new RecurrentModule(gru, x => gru.forward(x), layer);
    }

    // Intermediates are not disposed here; callers run forward in a dispose scope (one per batch).
    public override Tensor forward(Tensor input)
    {
        var (output, final) = _run(input); // output [N, T, dirs·H]; final [layers·dirs, N, H]
        if (_layer.ReturnSequences)
            return output;
        var dirs = _layer.Directions;
        var top = final.narrow(0, final.shape[0] - dirs, dirs); // [dirs, N, H]: the top layer, forward first
        return top.permute(1, 0, 2).reshape(input.shape[0], dirs * _layer.HiddenSize);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _rnn.Dispose();
        base.Dispose(disposing);
    }
}
