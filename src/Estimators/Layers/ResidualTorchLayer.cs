using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepML;

/// <summary><see cref="ResidualLayer"/> → a module computing <c>body(x) + shortcut(x)</c> (children <c>"body"</c>, <c>"shortcut"</c>).</summary>
internal sealed class ResidualTorchLayer : TorchLayer<ResidualLayer>
{
    protected override Module<Tensor, Tensor> Build(ResidualLayer layer, TensorShape input, TorchBuildContext context) =>
        new ResidualModule(context.BuildChild("body", layer.Body, input),
            layer.Shortcut is null ? null : context.BuildChild("shortcut", layer.Shortcut, input));

    private sealed class ResidualModule : Module<Tensor, Tensor>
    {
        private readonly Module<Tensor, Tensor> _body;
        private readonly Module<Tensor, Tensor>? _shortcut;

        public ResidualModule(Module<Tensor, Tensor> body, Module<Tensor, Tensor>? shortcut) : base("Residual")
        {
            _body = body;
            _shortcut = shortcut;
            register_module("body", body);
            if (shortcut is not null)
                register_module("shortcut", shortcut);
        }

        // Intermediates are not disposed here (a branch may return its input); callers run forward in a dispose scope.
        public override Tensor forward(Tensor input) => _body.forward(input).add(_shortcut is null ? input : _shortcut.forward(input));

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _body.Dispose();
                _shortcut?.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
