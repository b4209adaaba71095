namespace DeepML.Explainability;

/// <summary>
/// Minimises a quadratic ½φᵀAφ − bᵀφ subject to Σ φ = <c>total</c> through its KKT system
/// [A 1; 1ᵀ 0][φ; λ] = [b; total], solved by Gaussian elimination with partial pivoting. A singular
/// A (too few coalitions for the number of groups) gets a ridge of 1e-10 · its largest diagonal so the
/// answer stays defined: the minimum-norm-like solution that still meets the constraint exactly.
/// </summary>
internal static class ConstrainedLeastSquares
{
    /// <summary>The constrained minimiser; <paramref name="a"/> is symmetric positive semi-definite (m × m).</summary>
    public static double[] Solve(double[,] a, double[] b, double total)
    {
        var m = b.Length;
        var scale = 0.0;
        for (var i = 0; i < m; i++)
            scale = Math.Max(scale, Math.Abs(a[i, i]));
        foreach (var ridge in new[] { 0.0, 1e-10, 1e-6 })
        {
            var k = new double[m + 1, m + 2];
            for (var i = 0; i < m; i++)
            {
                for (var j = 0; j < m; j++)
                    k[i, j] = a[i, j];
                k[i, i] += ridge * Math.Max(scale, 1e-300);
                k[i, m] = 1;
                k[m, i] = 1;
                k[i, m + 1] = b[i];
            }
            k[m, m + 1] = total;
            if (TryEliminate(k, m + 1, scale) is { } x)
            {
                var phi = x[..m];
                // Rounding leaves Σφ a few ulps from the constraint; put the residue back evenly.
                var gap = (total - phi.Sum()) / m;
                for (var i = 0; i < m; i++)
                    phi[i] += gap;
                return phi;
            }
        }
        throw new InvalidOperationException("ConstrainedLeastSquares: the system stayed singular after regularisation; give more samples.");
    }

    private static double[]? TryEliminate(double[,] k, int n, double scale)
    {
        var tolerance = 1e-13 * Math.Max(scale, 1);
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < n; r++)
            {
                if (Math.Abs(k[r, col]) > Math.Abs(k[pivot, col]))
                    pivot = r;
            }
            if (Math.Abs(k[pivot, col]) < tolerance)
                return null;
            if (pivot != col)
            {
                for (var c = 0; c <= n; c++)
                    (k[col, c], k[pivot, c]) = (k[pivot, c], k[col, c]);
            }
            for (var r = col + 1; r < n; r++)
            {
                var f = k[r, col] / k[col, col];
                if (f == 0)
                    continue;
                for (var c = col; c <= n; c++)
                    k[r, c] -= f * k[col, c];
            }
        }
        var x = new double[n];
        for (var r = n - 1; r >= 0; r--)
        {
            var s = k[r, n];
            for (var c = r + 1; c < n; c++)
                s -= k[r, c] * x[c];
            x[r] = s / k[r, r];
        }
        return x;
    }
}
