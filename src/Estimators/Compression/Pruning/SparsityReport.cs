using System.Globalization;
using System.Text;

namespace DeepML;

/// <summary>How many values of one weight tensor are exactly zero.</summary>
/// <param name="Name">The weight's name (its path, as in <see cref="NetworkWeights.Arrays"/>: <c>"0.weight"</c>).</param>
/// <param name="Shape">Its dimensions, outermost first.</param>
/// <param name="Count">Its number of values.</param>
/// <param name="Zeros">How many of them are exactly 0 (−0 included).</param>
/// <param name="Prunable">Whether magnitude pruning prunes it by default (a weight matrix or kernel; see <see cref="PruningOptions"/>).</param>
public sealed record TensorSparsity(string Name, IReadOnlyList<int> Shape, long Count, long Zeros, bool Prunable)
{
    /// <summary>The fraction of zeros, <see cref="Zeros"/> / <see cref="Count"/> (0 for an empty tensor).</summary>
    public double Fraction => Count == 0 ? 0 : (double)Zeros / Count;
}

/// <summary>
/// The sparsity of a fitted DeepML network: per weight tensor (weights and buffers alike) its size and its exact zeros, and the
/// totals over all tensors and over the prunable ones (weight matrices and kernels). Works on any <see cref="NetworkModel"/>,
/// pruned or not (<c>ml.DeepML().Compression.Sparsity(model)</c>). A snapshot: immutable.
/// </summary>
/// <remarks>
/// Zeros are counted in the model's own weights; a model loaded back from ONNX (<c>ml.DeepML().Model.Load</c>) holds its
/// inference form (batch normalisation folded into the layer before it), whose tensors can differ by name and number, not by
/// zeros of the pruned matrices. Unstructured zeros make the ONNX graph neither smaller nor faster on ONNX Runtime (dense kernels,
/// every zero stored); a compressed copy (the ML.NET zip) gets smaller.
/// </remarks>
public sealed class SparsityReport
{
    private SparsityReport(IReadOnlyList<TensorSparsity> tensors)
    {
        Tensors = tensors;
        Count = tensors.Sum(t => t.Count);
        Zeros = tensors.Sum(t => t.Zeros);
        PrunableCount = tensors.Where(t => t.Prunable).Sum(t => t.Count);
        PrunableZeros = tensors.Where(t => t.Prunable).Sum(t => t.Zeros);
    }

    /// <summary>The report of <paramref name="model"/>'s weights.</summary>
    /// <param name="model">A fitted DeepML network (<see cref="NetworkScoringTransformer.Model"/>).</param>
    public static SparsityReport Of(NetworkModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var prunable = PrunableWeights.Candidates(model.Spec, includeEmbeddings: false).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var tensors = model.Spec.WeightShapes().Select(w =>
        {
            var data = model.Weights[w.Name].Data;
            long zeros = 0;
            foreach (var v in data)
            {
                if (v == 0)
                    zeros++;
            }
            return new TensorSparsity(w.Name, w.Shape.ToArray(), data.Length, zeros, prunable.Contains(w.Name));
        }).ToArray();
        return new SparsityReport(tensors);
    }

    /// <summary>Every weight tensor of the model, in network order.</summary>
    public IReadOnlyList<TensorSparsity> Tensors { get; }

    /// <summary>Values in all tensors.</summary>
    public long Count { get; }

    /// <summary>Exact zeros in all tensors.</summary>
    public long Zeros { get; }

    /// <summary>The overall fraction of zeros, <see cref="Zeros"/> / <see cref="Count"/>.</summary>
    public double Fraction => Count == 0 ? 0 : (double)Zeros / Count;

    /// <summary>Values in the prunable tensors (<see cref="TensorSparsity.Prunable"/>).</summary>
    public long PrunableCount { get; }

    /// <summary>Exact zeros in the prunable tensors.</summary>
    public long PrunableZeros { get; }

    /// <summary>The fraction of zeros in the prunable tensors: the sparsity pruning aims at.</summary>
    public double PrunableFraction => PrunableCount == 0 ? 0 : (double)PrunableZeros / PrunableCount;

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <param name="name">A weight name, for example <c>"0.weight"</c>.</param>
    public TensorSparsity this[string name] => Tensors.FirstOrDefault(t => t.Name == name)
        ?? throw new KeyNotFoundException($"SparsityReport: no tensor '{name}'. Tensors: {string.Join(", ", Tensors.Select(t => t.Name))}.");

    /// <summary>A table, one line per tensor, then the totals.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var t in Tensors)
            text.AppendLine(CultureInfo.InvariantCulture, $"{t.Name} [{string.Join("x", t.Shape)}]{(t.Prunable ? "" : " (not prunable)")}: {t.Zeros} of {t.Count} zero ({t.Fraction:P2})");
        text.AppendLine(CultureInfo.InvariantCulture, $"prunable: {PrunableZeros} of {PrunableCount} zero ({PrunableFraction:P2}); all: {Zeros} of {Count} zero ({Fraction:P2})");
        return text.ToString();
    }
}
