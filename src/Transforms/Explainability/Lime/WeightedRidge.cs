namespace DeepML.Explainability;

/// <summary>
/// Weighted ridge regression with an unpenalised intercept — what scikit-learn's <c>Ridge(alpha).fit(X, y, sample_weight)</c>
/// solves: minimise Σ wᵢ (yᵢ − b − xᵢ·β)² + α‖β‖². The data are centred with their weighted means, the normal equations
/// (XcᵀWXc + αI) β = XcᵀW yc are solved by Cholesky, and b = ȳ − x̄·β.
/// </summary>
internal static class WeightedRidge
{
    /// <summary>The fit: coefficients, intercept and the weighted R² of the fit on its own data.</summary>
    public readonly record struct Fit(double[] Coefficients, double Intercept, double RSquared);

    /// <summary>Fits <paramref name="y"/> on the rows of <paramref name="x"/> (n × m, row-major) with weights <paramref name="w"/>.</summary>
    /// <remarks>A column constant over the weighted rows carries no information: its coefficient is 0 and it is left out of
    /// the solve (with α = 0 the normal equations would be singular otherwise).</remarks>
    public static Fit Solve(double[] x, double[] y, double[] w, int n, int m, double alpha)
    {
        var total = w.Sum();
        var meanX = new double[m];
        var meanY = 0.0;
        for (var i = 0; i < n; i++)
        {
            meanY += w[i] * y[i];
            for (var j = 0; j < m; j++)
                meanX[j] += w[i] * x[i * m + j];
        }
        meanY /= total;
        for (var j = 0; j < m; j++)
            meanX[j] /= total;

        var gram = new double[m * m];
        var rhs = new double[m];
        var centred = new double[m];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < m; j++)
                centred[j] = x[i * m + j] - meanX[j];
            var yc = y[i] - meanY;
            for (var j = 0; j < m; j++)
            {
                var wj = w[i] * centred[j];
                rhs[j] += wj * yc;
                for (var k = 0; k <= j; k++)
                    gram[j * m + k] += wj * centred[k];
            }
        }
        var scale = Enumerable.Range(0, m).Select(j => gram[j * m + j]).DefaultIfEmpty(0).Max();
        var kept = Enumerable.Range(0, m).Where(j => gram[j * m + j] > 1e-12 * Math.Max(scale, 1e-300)).ToArray();
        var beta = new double[m];
        var solved = Cholesky(gram, rhs, m, kept, alpha);
        for (var k = 0; k < kept.Length; k++)
            beta[kept[k]] = solved[k];
        var intercept = meanY - meanX.Select((mx, j) => mx * beta[j]).Sum();

        double residual = 0, spread = 0;
        for (var i = 0; i < n; i++)
        {
            var prediction = intercept;
            for (var j = 0; j < m; j++)
                prediction += x[i * m + j] * beta[j];
            residual += w[i] * (y[i] - prediction) * (y[i] - prediction);
            spread += w[i] * (y[i] - meanY) * (y[i] - meanY);
        }
        // scikit-learn's r2_score: 1 when the target is constant and fitted exactly.
        var r2 = spread > 0 ? 1 - residual / spread : (residual == 0 ? 1 : 0);
        return new Fit(beta, intercept, r2);
    }

    /// <summary>Solves the kept rows and columns of the lower-triangular-stored system; a tiny ridge is added when α = 0 leaves it singular (collinear columns).</summary>
    private static double[] Cholesky(double[] gram, double[] rhs, int m, int[] kept, double alpha)
    {
        var p = kept.Length;
        var trace = kept.Sum(j => gram[j * m + j]);
        foreach (var jitter in new[] { 0.0, 1e-10, 1e-7, 1e-4 })
        {
            var l = new double[p * p];
            var ok = true;
            for (var a = 0; a < p && ok; a++)
            {
                for (var b = 0; b <= a; b++)
                {
                    var sum = gram[kept[a] * m + kept[b]] + (a == b ? alpha + jitter * trace / Math.Max(p, 1) : 0);
                    for (var k = 0; k < b; k++)
                        sum -= l[a * p + k] * l[b * p + k];
                    if (a == b)
                    {
                        if (sum <= 1e-14 * Math.Max(trace, 1e-300)) { ok = false; break; }
                        l[a * p + a] = Math.Sqrt(sum);
                    }
                    else
                    {
                        l[a * p + b] = sum / l[b * p + b];
                    }
                }
            }
            if (!ok)
                continue;
            var z = new double[p];
            for (var a = 0; a < p; a++)
            {
                var sum = rhs[kept[a]];
                for (var k = 0; k < a; k++)
                    sum -= l[a * p + k] * z[k];
                z[a] = sum / l[a * p + a];
            }
            var solution = new double[p];
            for (var a = p - 1; a >= 0; a--)
            {
                var sum = z[a];
                for (var k = a + 1; k < p; k++)
                    sum -= l[k * p + a] * solution[k];
                solution[a] = sum / l[a * p + a];
            }
            return solution;
        }
        throw new InvalidOperationException("LIME: the surrogate's normal equations could not be solved even with a small ridge; the samples' features are degenerate.");
    }
}
