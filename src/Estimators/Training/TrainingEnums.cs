namespace DeepML;

/// <summary>The optimizer that updates a network's weights.</summary>
public enum OptimizerKind
{
    /// <summary>Adam (Kingma &amp; Ba, 2015); weight decay is added to the gradient (L2).</summary>
    Adam,
    /// <summary>AdamW (Loshchilov &amp; Hutter, 2019); weight decay is decoupled from the gradient.</summary>
    AdamW,
    /// <summary>
    /// Stochastic gradient descent with classical (heavy-ball) momentum, as PyTorch's <c>SGD</c> with
    /// <c>nesterov=False</c> and <c>dampening=0</c>: <c>v ← μ·v + g</c>, <c>p ← p − lr·v</c> (plain SGD when
    /// <c>Momentum</c> is 0); weight decay is L2 (<c>g ← g + λ·p</c>). There is no Nesterov variant.
    /// </summary>
    Sgd,
}

/// <summary>The training loss.</summary>
public enum LossKind
{
    /// <summary>The task's usual loss: binary cross-entropy, cross-entropy, or mean squared error.</summary>
    Default,
    /// <summary>Binary cross-entropy on the logit (binary classification).</summary>
    BinaryCrossEntropy,
    /// <summary>Softmax cross-entropy (multiclass classification).</summary>
    CrossEntropy,
    /// <summary>Mean squared error (regression).</summary>
    MeanSquaredError,
    /// <summary>Huber loss with <see cref="NeuralNetworkOptions.HuberDelta"/> (regression; robust to outliers).</summary>
    Huber,
}

/// <summary>How dense-layer weights are initialised (biases start at zero).</summary>
public enum WeightInitializer
{
    /// <summary>He (Kaiming) uniform before ReLU-family activations, Xavier (Glorot) uniform otherwise.</summary>
    Default,
    /// <summary>Glorot &amp; Bengio (2010), uniform.</summary>
    XavierUniform,
    /// <summary>Glorot &amp; Bengio (2010), normal.</summary>
    XavierNormal,
    /// <summary>He et al. (2015), uniform, fan-in.</summary>
    HeUniform,
    /// <summary>He et al. (2015), normal, fan-in.</summary>
    HeNormal,
}
