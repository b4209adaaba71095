using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Fairness.Tests.Mitigation;

/// <summary>
/// The parts of CONVENTIONS.md's contract suite that apply to the fairness mitigators (no native
/// tensors, no GPU, so items 10, 13 and 14 do not apply). ExponentiatedGradient is covered by its own
/// class for save/load and by this one through Reweighing/ThresholdOptimizer-shaped checks where cheap.
/// </summary>
public class MitigatorContractTests
{
    private readonly MLContext _ml = new(1);

    private IEnumerable<(string Name, IEstimator<ITransformer> Estimator)> Estimators()
    {
        yield return ("reweighing", _ml.DeepML().Fairness.Reweigh("NewWeight", ["Sf", "Sf2"]));
        yield return ("threshold", _ml.DeepML().Fairness.ThresholdOptimizer(["Sf"], seed: 3));
        yield return ("threshold-eo", _ml.DeepML().Fairness.ThresholdOptimizer(["Sf", "Sf2"], ThresholdConstraint.EqualizedOdds, seed: 3));
    }

    private IDataView Data(int n = 800) => Synthetic.View(_ml, Synthetic.Scored(n, 13));

    [Fact]
    public void Schemas_from_estimator_transformer_and_data_agree()
    {
        var data = Data();
        foreach (var (name, estimator) in Estimators())
        {
            var shape = estimator.GetOutputSchema(Shapes.Of(data.Schema)).Select(c => c.Name).Order().ToArray();
            var model = estimator.Fit(data);
            var fromTransformer = model.GetOutputSchema(data.Schema).Where(c => !c.IsHidden).Select(c => c.Name).Order().ToArray();
            var fromData = model.Transform(data).Schema.Where(c => !c.IsHidden).Select(c => c.Name).Order().ToArray();
            Assert.True(shape.SequenceEqual(fromTransformer), name);
            Assert.True(fromData.SequenceEqual(fromTransformer), name);
        }
    }

    [Fact]
    public void Fit_on_zero_rows_fails_clearly()
    {
        var empty = Synthetic.View(_ml, []);
        foreach (var (name, estimator) in Estimators())
        {
            var ex = Assert.Throws<ArgumentException>(() => estimator.Fit(empty));
            Assert.Contains(FairnessErrors.NoRows, ex.Message);
        }
    }

    [Fact]
    public void Fitting_twice_is_idempotent_and_two_cursors_read_the_same_rows()
    {
        var data = Data();
        foreach (var (name, estimator) in Estimators())
        {
            var a = Read(estimator.Fit(data).Transform(data));
            var b = Read(estimator.Fit(data).Transform(data));
            Assert.True(a.SequenceEqual(b), name);
            var view = estimator.Fit(data).Transform(data);
            Assert.True(Read(view).SequenceEqual(Read(view)), name);
        }
    }

    [Fact]
    public void Concurrent_prediction_engines_match_serial_results()
    {
        var data = Data(400);
        var model = _ml.DeepML().Fairness.ThresholdOptimizer(["Sf"], seed: 3).Fit(data);
        var rows = _ml.Data.CreateEnumerable<Row>(data, false).ToList();
        var serial = _ml.Data.CreateEnumerable<Predicted>(model.Transform(data), false).Select(p => p.PredictedLabel).ToArray();
        var parallel = new bool[rows.Count];
        Parallel.For(0, 4, part =>
        {
            var engine = _ml.Model.CreatePredictionEngine<Row, Predicted>(model);
            for (var i = part; i < rows.Count; i += 4)
                parallel[i] = engine.Predict(rows[i]).PredictedLabel;
        });
        Assert.Equal(serial, parallel);
    }

    [Fact]
    public void Transform_is_lazy()
    {
        var data = Data(200);
        var model = _ml.DeepML().Fairness.ThresholdOptimizer(["Sf"], seed: 3).Fit(data);
        var counting = new CountingView(data);
        var output = model.Transform(counting);
        Assert.Equal(0, counting.Cursors);
        Assert.Equal(200, Read(output).Count);
        Assert.True(counting.Cursors > 0);
    }

    private static List<string> Read(IDataView view)
    {
        var columns = view.Schema.Where(c => !c.IsHidden && c.Type is not VectorDataViewType).ToArray();
        var result = new List<string>();
        using var cursor = view.GetRowCursor(columns);
        var getters = columns.Select(c => (Func<string>)(c.Type.RawType == typeof(float) ? Getter<float>(cursor, c) : c.Type.RawType == typeof(bool) ? Getter<bool>(cursor, c) : Getter<ReadOnlyMemory<char>>(cursor, c))).ToArray();
        while (cursor.MoveNext())
            result.Add(string.Join("|", getters.Select(g => g())));
        return result;
    }

    private static Func<string> Getter<T>(DataViewRowCursor cursor, DataViewSchema.Column c)
    {
        var g = cursor.GetGetter<T>(c);
        T v = default!;
        return () => { g(ref v); return v!.ToString()!; };
    }

    private sealed class CountingView(IDataView inner) : IDataView
    {
        public int Cursors;
        public bool CanShuffle => inner.CanShuffle;
        public DataViewSchema Schema => inner.Schema;
        public long? GetRowCount() => inner.GetRowCount();
        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) { Cursors++; return inner.GetRowCursor(columnsNeeded, rand); }
        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) { Cursors++; return inner.GetRowCursorSet(columnsNeeded, n, rand); }
    }
}
