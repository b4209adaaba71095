namespace DeepML;

/// <summary>
/// Multiply-adds of one forward pass per example, counted from the layer tree: a convolution does
/// <c>out elements × (in channels / groups) × kernel area</c>, a dense layer <c>in × out</c> per position, a recurrent layer its weight matrices' elements per step; other layers
/// are counted as free (so are attention's score and mixing products, which grow with the token count squared). Training costs about three forward passes (forward, gradient of inputs, gradient of weights).
/// </summary>
public static class NetworkFlops
{
    /// <summary>Multiply-adds per example of the bound network's forward pass.</summary>
    /// <param name="spec">A bound network (with its input shape).</param>
    public static long ForwardMultiplyAdds(NetworkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.InputShape is null)
            throw new ArgumentException("NetworkFlops: the network is not bound to an input shape; count a fitted model's Spec.", nameof(spec));
        long total = 0;
        foreach (var (_, layer, input) in LayerTree.Walk(spec.Root, spec.InputShape!))
        {
            total += layer switch
            {
                Conv2dLayer c => (long)c.OutputShape(input).ElementCount * (input[0] / c.Groups) * c.Kernel.H * c.Kernel.W,
                Conv1dLayer c => (long)c.OutputShape(input).ElementCount * (input[0] / c.Groups) * c.KernelSize,
                DenseLayer d => (long)d.OutputShape(input).ElementCount * input[-1],
                // Each of the T steps multiplies the input and the hidden state by every gate's weight matrix.
                RecurrentLayer r => input[0] * r.WeightShapes(input).Where(w => w.Name.Contains("weight")).Sum(w => w.Shape.Aggregate(1L, (a, b) => a * b)),
                _ => 0,
            };
        }
        return total;
    }

    /// <summary>Floating-point operations per example of one training step (3 × 2 × multiply-adds).</summary>
    /// <param name="spec">A bound network.</param>
    public static double TrainingFlops(NetworkSpec spec) => 6.0 * ForwardMultiplyAdds(spec);
}
