using Xunit;

namespace DeepML.Estimators.Tests.Compression.Pruning;

/// <summary>
/// Pruning without a network: the schedule against Zhu &amp; Gupta's closed form, and the masks' exact counts (floor), choice of the
/// smallest |w| and tie-breaking by position, per tensor and global.
/// </summary>
public sealed class PruningScheduleTests
{
    /// <summary>Zhu &amp; Gupta 2017, eq. (1), written out independently: s_t = s_f + (s_i − s_f)(1 − (t − t0)/(nΔt))³.</summary>
    private static double ZhuGupta(double si, double sf, int t0, int n, int dt, int t) => sf + (si - sf) * Math.Pow(1 - (t - t0) / (double)(n * dt), 3);

    [Fact]
    public void The_gradual_schedule_holds_the_closed_forms_value_from_each_update_epoch_to_the_next()
    {
        // t0 = 2, Δt = 2, n = 3: updates at the end of epochs 2, 4, 6 and 8.
        var o = new PruningOptions { FinalSparsity = 0.8, InitialSparsity = 0.1, BeginEpoch = 2, EndEpoch = 8, Frequency = 2 };
        Assert.Equal(0, o.SparsityAt(0));
        Assert.Equal(0, o.SparsityAt(1));
        foreach (var (epoch, update) in new[] { (2, 2), (3, 2), (4, 4), (5, 4), (6, 6), (7, 6), (8, 8), (9, 8), (30, 8) })
            Assert.Equal(ZhuGupta(0.1, 0.8, 2, 3, 2, update), o.SparsityAt(epoch), 14);
        // By hand: at t = 2, s_i; at t = 4, 0.8 − 0.7·(2/3)³ = 0.8 − 0.7·8/27; at t = 6, 0.8 − 0.7/27; at t = 8, s_f.
        Assert.Equal(0.1, o.SparsityAt(2), 14);
        Assert.Equal(0.8 - 0.7 * 8 / 27, o.SparsityAt(4), 14);
        Assert.Equal(0.8 - 0.7 / 27, o.SparsityAt(6), 14);
        Assert.Equal(0.8, o.SparsityAt(8));
    }

    [Fact]
    public void Begin_equal_to_end_prunes_once_to_the_final_sparsity()
    {
        var o = new PruningOptions { FinalSparsity = 0.5, BeginEpoch = 3, EndEpoch = 3 };
        Assert.Equal([0, 0, 0, 0.5, 0.5, 0.5], Enumerable.Range(0, 6).Select(o.SparsityAt));
        var before = new PruningOptions { FinalSparsity = 0.9 };
        Assert.Equal(0.9, before.SparsityAt(0)); // the default: one shot before the first epoch
    }

    [Fact]
    public void A_tensor_loses_floor_s_n_values_the_smallest_by_magnitude_ties_by_lower_index()
    {
        // n = 7, s = 0.5: ⌊3.5⌋ = 3 pruned (rounding would give 4). |w| in order: 0.5 (3), 0.5 (4), then 1 (1) before 1 (2) by index.
        float[] w = [3, -1, 1, 0.5f, -0.5f, 2, 7];
        var mask = MagnitudeMasks.PerLayer([w], 0.5)[0];
        Assert.Equal([1f, 0, 1, 0, 0, 1, 1], mask);
        Assert.Equal(3, MagnitudeMasks.PrunedCount(0.5, 7));
        Assert.Equal(0, MagnitudeMasks.PrunedCount(0.099, 10));
        Assert.Equal(224 * 7 / 10, MagnitudeMasks.PrunedCount(0.7, 224)); // ⌊156.8⌋ = 156
        // Each tensor on its own: both lose ⌊0.5·n⌋, whatever the other's magnitudes.
        var masks = MagnitudeMasks.PerLayer([[0.1f, 0.2f, 0.3f, 0.4f], [10, 20, 30]], 0.5);
        Assert.Equal([0f, 0, 1, 1], masks[0]);
        Assert.Equal([0f, 1, 1], masks[1]);
    }

    [Fact]
    public void Global_pruning_uses_one_threshold_over_all_tensors_ties_by_earlier_tensor()
    {
        // N = 5, s = 0.6: ⌊3⌋ = 3 of all values: 0.1, 0.2, 0.3 — two of them in the second tensor.
        var masks = MagnitudeMasks.Global([[0.1f, 5], [-0.2f, 0.3f, 4]], 0.6);
        Assert.Equal([0f, 1], masks[0]);
        Assert.Equal([0f, 0, 1], masks[1]);
        // A tie between tensors: the earlier tensor's value goes first.
        var tie = MagnitudeMasks.Global([[1f, 2], [-1f, 3]], 0.25);
        Assert.Equal([0f, 1], tie[0]);
        Assert.Equal([1f, 1], tie[1]);
    }

    [Fact]
    public void Masks_agree_with_an_independent_sort_on_random_weights()
    {
        var random = new Random(5);
        var tensors = new[] { 37, 100, 3 }.Select(n => Enumerable.Range(0, n).Select(_ => (float)Math.Round(random.NextDouble() * 4 - 2, 1)).ToArray()).ToArray(); // rounded: many ties
        foreach (var s in new[] { 0.0, 0.3, 0.77, 0.99 })
        {
            var perLayer = MagnitudeMasks.PerLayer(tensors, s);
            for (var t = 0; t < tensors.Length; t++)
            {
                var k = (int)Math.Floor(s * tensors[t].Length);
                var expected = tensors[t].Select((v, i) => (Abs: Math.Abs(v), i)).OrderBy(p => p.Abs).ThenBy(p => p.i).Take(k).Select(p => p.i).ToHashSet();
                Assert.Equal(expected.Order(), perLayer[t].Select((m, i) => (m, i)).Where(p => p.m == 0).Select(p => p.i));
            }
            var all = tensors.SelectMany((w, t) => w.Select((v, i) => (Abs: Math.Abs(v), t, i))).OrderBy(p => p.Abs).ThenBy(p => p.t).ThenBy(p => p.i)
                .Take((int)Math.Floor(s * tensors.Sum(w => w.Length))).ToHashSet();
            var global = MagnitudeMasks.Global(tensors, s);
            Assert.Equal(all.Count, global.Sum(m => m.Count(v => v == 0)));
            Assert.All(all, p => Assert.Equal(0f, global[p.t][p.i]));
        }
    }
}
