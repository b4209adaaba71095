namespace DeepML.Fairness;

/// <summary>
/// A small dense two-phase simplex with Bland's rule, for the ExponentiatedGradient linear-program
/// step (tens of variables, a handful of constraints). Solves: minimise cᵀx subject to rows
/// aᵢᵀx ≤ bᵢ or aᵢᵀx = bᵢ, x ≥ 0. Returns null when infeasible or unbounded.
/// </summary>
internal static class Simplex
{
    private const double Tolerance = 1e-10;

    public static double[]? Minimize(double[] c, double[][] a, double[] b, bool[] isEquality)
    {
        int m = a.Length, n = c.Length;
        // Columns: n originals, one slack per inequality, one artificial per row that needs one.
        var slackOf = new int[m];
        var artificialOf = new int[m];
        var columns = n;
        for (var i = 0; i < m; i++)
            slackOf[i] = isEquality[i] ? -1 : columns++;
        for (var i = 0; i < m; i++)
        {
            var needsArtificial = isEquality[i] || b[i] < 0;
            artificialOf[i] = needsArtificial ? columns++ : -1;
        }
        var t = new double[m + 1, columns + 1];   // last column: right-hand side; last row: objective
        var basis = new int[m];
        for (var i = 0; i < m; i++)
        {
            var sign = b[i] < 0 ? -1.0 : 1.0;
            for (var j = 0; j < n; j++)
                t[i, j] = sign * a[i][j];
            if (slackOf[i] >= 0)
                t[i, slackOf[i]] = sign;
            t[i, columns] = sign * b[i];
            if (artificialOf[i] >= 0)
            {
                t[i, artificialOf[i]] = 1;
                basis[i] = artificialOf[i];
            }
            else
                basis[i] = slackOf[i];
        }
        // Phase 1: minimise the sum of artificials.
        var artificial = new bool[columns];
        foreach (var k in artificialOf)
            if (k >= 0)
                artificial[k] = true;
        SetObjective(t, basis, m, columns, j => artificial[j] ? 1.0 : 0.0);
        if (!Run(t, basis, m, columns, j => true))
            return null;
        if (-t[m, columns] > 1e-8)
            return null; // infeasible
        // Drive remaining artificials out of the basis where possible.
        for (var i = 0; i < m; i++)
        {
            if (!artificial[basis[i]])
                continue;
            for (var j = 0; j < columns; j++)
                if (!artificial[j] && Math.Abs(t[i, j]) > Tolerance)
                {
                    Pivot(t, basis, m, columns, i, j);
                    break;
                }
        }
        // Phase 2: the real objective, artificials barred from entering.
        SetObjective(t, basis, m, columns, j => j < n ? c[j] : 0.0);
        if (!Run(t, basis, m, columns, j => !artificial[j]))
            return null;
        var x = new double[n];
        for (var i = 0; i < m; i++)
            if (basis[i] < n)
                x[basis[i]] = t[i, columns];
        return x;
    }

    // Objective row = cost − c_Bᵀ·B⁻¹A (reduced costs); the corner holds −(current objective).
    private static void SetObjective(double[,] t, int[] basis, int m, int columns, Func<int, double> cost)
    {
        for (var j = 0; j <= columns; j++)
            t[m, j] = j < columns ? cost(j) : 0;
        for (var i = 0; i < m; i++)
        {
            var cb = cost(basis[i]);
            if (cb == 0)
                continue;
            for (var j = 0; j <= columns; j++)
                t[m, j] -= cb * t[i, j];
        }
    }

    private static bool Run(double[,] t, int[] basis, int m, int columns, Func<int, bool> mayEnter)
    {
        for (var iteration = 0; iteration < 10_000; iteration++)
        {
            var enter = -1;
            for (var j = 0; j < columns; j++)
                if (mayEnter(j) && t[m, j] < -Tolerance) { enter = j; break; }   // Bland: lowest index
            if (enter < 0)
                return true;
            var leave = -1;
            var best = double.PositiveInfinity;
            for (var i = 0; i < m; i++)
            {
                if (t[i, enter] <= Tolerance)
                    continue;
                var ratio = t[i, columns] / t[i, enter];
                if (ratio < best - Tolerance || (Math.Abs(ratio - best) <= Tolerance && basis[i] < basis[leave]))
                    (best, leave) = (ratio, i);
            }
            if (leave < 0)
                return false; // unbounded
            Pivot(t, basis, m, columns, leave, enter);
        }
        return false;
    }

    private static void Pivot(double[,] t, int[] basis, int m, int columns, int row, int col)
    {
        var p = t[row, col];
        for (var j = 0; j <= columns; j++)
            t[row, j] /= p;
        for (var i = 0; i <= m; i++)
        {
            if (i == row || t[i, col] == 0)
                continue;
            var f = t[i, col];
            for (var j = 0; j <= columns; j++)
                t[i, j] -= f * t[row, j];
        }
        basis[row] = col;
    }
}
