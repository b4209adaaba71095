using Microsoft.ML;
using Xunit;

namespace DeepML.Testing;

public abstract partial class EstimatorContract<TEstimator, TTransformer, TInput, TOutput>
{
    /// <summary>Check 5: ml.Model.Save then Load in a fresh MLContext gives the same schema and the same predictions.</summary>
    [ContractFact]
    public void C05_SaveThenLoadInFreshContextGivesSameSchemaAndPredictions()
    {
        ContractSkip.IfOptedOut(SaveLoadOptOutReason, "Check 5 (save/load)");
        var ml = Context();
        var data = CreateTrainingData(ml);
        var fitted = CreateEstimator(ml, Seed).Fit(data);
        var loaded = default(ITransformer);
        try
        {
            using var stream = new MemoryStream();
            ml.Model.Save(fitted, data.Schema, stream);
            stream.Position = 0;
            var fresh = Context(Seed + 1);
            loaded = fresh.Model.Load(stream, out var inputSchema);
            Assert.Equal(data.Schema.Select(ContractData.Describe), inputSchema.Select(ContractData.Describe));
            var scoring = ScoringData(fresh);
            Assert.Equal(fitted.GetOutputSchema(scoring.Schema).Select(ContractData.Describe), loaded.GetOutputSchema(scoring.Schema).Select(ContractData.Describe));
            Assert.Equal(Predictions(ml, fitted), Predictions(fresh, loaded));
        }
        finally
        {
            Dispose(fitted);
            Dispose(loaded);
        }
    }

    /// <summary>Check 6: the same seed twice gives identical predictions; different seeds give different ones.</summary>
    [ContractFact]
    public void C06_SameSeedSamePredictionsDifferentSeedDifferentPredictions()
    {
        var a = FitWithSeed(Seed);
        var b = FitWithSeed(Seed);
        var c = FitWithSeed(Seed + 1);
        try
        {
            var ml = Context();
            var pa = Predictions(ml, a);
            Assert.NotEmpty(pa);
            Assert.Equal(pa, Predictions(ml, b));
            ContractSkip.IfOptedOut(DifferentSeedsOptOutReason, "Check 6 (different seeds)");
            Assert.NotEqual(pa, Predictions(ml, c));
        }
        finally
        {
            Dispose(a);
            Dispose(b);
            Dispose(c);
        }
    }

    /// <summary>Check 8: two cursors over the transformed data, open at once and moved alternately, read the same rows.</summary>
    [ContractFact]
    public void C08_TwoCursorsReadTheSameRows()
    {
        var ml = Context();
        var fitted = FitWithSeed(Seed);
        try
        {
            var input = ScoringData(ml);
            var output = fitted.Transform(input);
            var columns = output.Schema.Where(c => !c.IsHidden).ToArray();
            using var first = output.GetRowCursor(columns);
            using var second = output.GetRowCursor(columns);
            var readFirst = CursorRows(first, columns);
            var readSecond = CursorRows(second, columns);
            var rows = 0;
            while (true)
            {
                var a = readFirst();
                var b = readSecond();
                Assert.Equal(a, b);
                if (a is null)
                    break;
                rows++;
            }
            Assert.Equal(CreateScoringRows().Count, rows);
            Assert.Equal(ContractData.Rows(output), ContractData.Rows(output));
        }
        finally
        {
            Dispose(fitted);
        }
    }

    /// <summary>Check 9: prediction engines on one transformer, one per thread on 4 threads, match serial results.</summary>
    [ContractFact]
    public void C09_ConcurrentPredictionEnginesMatchSerialResults()
    {
        var ml = Context();
        var fitted = FitWithSeed(Seed);
        try
        {
            var rows = CreateScoringRows();
            var serial = EnginePredictions(Engine(ml, fitted), rows);
            Assert.Equal(rows.Count, serial.Count);
            using var start = new Barrier(4);
            var results = new List<string>[4];
            var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
            {
                var engine = Engine(ml, fitted);
                start.SignalAndWait();
                // Each thread walks the rows from its own offset, so threads score different rows at once.
                var order = Enumerable.Range(0, rows.Count).Select(i => (i + t * rows.Count / 4) % rows.Count).ToArray();
                var predicted = new string[rows.Count];
                for (var round = 0; round < 3; round++)
                {
                    foreach (var i in order)
                        predicted[i] = EnginePredictions(engine, [rows[i]])[0];
                }
                results[t] = [.. predicted];
            })).ToArray();
            foreach (var thread in threads)
                thread.Start();
            foreach (var thread in threads)
                thread.Join();
            foreach (var result in results)
                Assert.Equal(serial, result);
            // The engine and Transform agree, so the engine path is not a second, different model.
            Assert.Equal(rows.Count, Predictions(ml, fitted).Count);
        }
        finally
        {
            Dispose(fitted);
        }
    }

    /// <summary>Check 12: Transform is lazy — it reads no rows until a cursor moves.</summary>
    [ContractFact]
    public void C12_TransformIsLazy()
    {
        var ml = Context();
        var fitted = FitWithSeed(Seed);
        try
        {
            var counting = new CountingDataView(ScoringData(ml));
            var output = fitted.Transform(counting);
            _ = fitted.GetOutputSchema(counting.Schema);
            Assert.Equal(0, counting.RowsRead);
            var all = ContractData.Rows(output);
            Assert.Equal(CreateScoringRows().Count, all.Count);
            Assert.True(counting.RowsRead >= all.Count, $"Cursoring read {counting.RowsRead} rows for {all.Count} outputs.");
        }
        finally
        {
            Dispose(fitted);
        }
    }

    /// <summary>Check 14: where exportable, ONNX Runtime's output on the exported model matches the training framework's.</summary>
    [ContractFact]
    public void C14_OnnxRuntimeMatchesTrainingFramework()
    {
        ContractSkip.IfOptedOut(OnnxOptOutReason, "Check 14 (ONNX parity)");
        var ml = Context();
        var fitted = FitWithSeed(Seed);
        try
        {
            CheckOnnxParity(ml, fitted, ScoringData(ml));
        }
        finally
        {
            Dispose(fitted);
        }
    }

    private static Func<string?> CursorRows(DataViewRowCursor cursor, DataViewSchema.Column[] columns)
    {
        var read = ContractData.RowReader(cursor, columns);
        return () => cursor.MoveNext() ? read() : null;
    }
}
