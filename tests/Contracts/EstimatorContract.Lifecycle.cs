using System.Diagnostics;
using Microsoft.ML;
using Xunit;

namespace DeepML.Testing;

public abstract partial class EstimatorContract<TEstimator, TTransformer, TInput, TOutput>
{
    /// <summary>Check 2: Fit on zero rows fails with a clear message and leaves no native object alive.</summary>
    [ContractFact]
    public void C02_FitOnZeroRowsFailsClearlyAndLeavesNothingAlive()
    {
        ContractSkip.IfOptedOut(ZeroRowsOptOutReason, "Check 2 (zero rows)");
        var ml = Context();
        var empty = CreateEmptyData(ml);
        var estimator = CreateEstimator(ml, Seed);
        var before = LiveObjectsAfterCollect();
        var e = Assert.ThrowsAny<Exception>(() => Dispose(estimator.Fit(empty)));
        Assert.True(e.Message.Contains(ZeroRowsPhrase, StringComparison.OrdinalIgnoreCase),
            $"The zero-rows error should say \"{ZeroRowsPhrase}\" but was: {e.GetType().Name}: {e.Message}");
        AssertNoNewNativeObjects(before, "after a failed Fit on zero rows", fits: 0);
    }

    /// <summary>Check 7: fitting twice is idempotent; the estimator's configuration and the input data are not changed.</summary>
    [ContractFact]
    public void C07_FittingTwiceIsIdempotentAndMutatesNothing()
    {
        var ml = Context();
        var data = CreateTrainingData(ml);
        var estimator = CreateEstimator(ml, Seed);
        var configuration = DescribeConfiguration(estimator);
        var input = ContractData.Rows(data);
        var first = estimator.Fit(data);
        var second = estimator.Fit(data);
        try
        {
            Assert.Equal(Predictions(ml, first), Predictions(ml, second));
            Assert.Equal(configuration, DescribeConfiguration(estimator));
            Assert.Equal(input, ContractData.Rows(data));
        }
        finally
        {
            Dispose(first);
            Dispose(second);
        }
    }

    /// <summary>Check 10: no live native objects after Fit and Dispose; double Dispose is safe; use after Dispose throws ObjectDisposedException.</summary>
    [ContractFact]
    public void C10_DisposeIsSafeTwiceAndUseAfterDisposeThrows()
    {
        var before = LiveObjectsAfterCollect();
        var ml = Context();
        var fitted = CreateEstimator(ml, Seed).Fit(CreateTrainingData(ml));
        Assert.NotEmpty(Predictions(ml, fitted));
        if (fitted is not IDisposable disposable)
            throw new ContractSkipException($"Check 10: {typeof(TTransformer).Name} is not IDisposable, so it holds nothing to release.");
        disposable.Dispose();
        disposable.Dispose();
        var scoring = ScoringData(ml);
        Assert.Throws<ObjectDisposedException>(() => ContractData.Rows(fitted.Transform(scoring)));
        Assert.Throws<ObjectDisposedException>(() => Engine(ml, fitted).Predict(CreateScoringRows()[0]));
        AssertNoNewNativeObjects(before, "after Fit, scoring and Dispose", fits: 1);
    }

    /// <summary>
    /// Check 13: cancellation stops training promptly. Two runs: (a) the token is cancelled from the
    /// progress callback at the end of the second unit (epoch or iteration) — training must end with
    /// OperationCanceledException before another unit completes; (b) it is cancelled from a timer
    /// half a unit into the next one — training must end within one unit of the cancellation (a
    /// timer may land just as a unit completes, so one more report is tolerated there, not two).
    /// </summary>
    [ContractFact]
    public void C13_CancellationStopsTrainingWithinOneBatch()
    {
        ContractSkip.IfOptedOut(CancellationOptOutReason, "Check 13 (cancellation)");
        var ml = Context();
        var data = CreateCancellationData(ml);

        using (var cts = new CancellationTokenSource())
        {
            var units = 0;
            var estimator = CreateCancellableEstimator(ml, Seed, cts.Token, _ =>
            {
                if (Interlocked.Increment(ref units) == 2)
                    cts.Cancel();
            });
            Assert.ThrowsAny<OperationCanceledException>(() => Dispose(estimator.Fit(data)));
            Assert.True(units == 2, $"Cancelled at the end of unit 2, but {units} units were reported: the token is not checked before the next batch.");
        }

        using (var cts = new CancellationTokenSource())
        {
            var clock = Stopwatch.StartNew();
            var units = 0;
            TimeSpan firstUnit = default, cancelledAt = default;
            var unitsAtCancel = -1;
            using var callbackDone = new ManualResetEventSlim();
            cts.Token.Register(() => { cancelledAt = clock.Elapsed; unitsAtCancel = Volatile.Read(ref units); callbackDone.Set(); });
            var estimator = CreateCancellableEstimator(ml, Seed, cts.Token, elapsed =>
            {
                if (Interlocked.Increment(ref units) == 1)
                {
                    firstUnit = elapsed;
                    cts.CancelAfter(elapsed / 2); // lands mid-way through the next unit
                }
            });
            clock.Restart();
            Assert.ThrowsAny<OperationCanceledException>(() => Dispose(estimator.Fit(data)));
            var stoppedAt = clock.Elapsed;
            // Training can observe the token before the timer thread has run this test's callback.
            Assert.True(callbackDone.Wait(TimeSpan.FromSeconds(10)), "The token should have been cancelled during training.");
            var latency = stoppedAt - cancelledAt;
            Assert.True(unitsAtCancel >= 1, "The token should have been cancelled during training.");
            Assert.True(units <= unitsAtCancel + 1, $"{units - unitsAtCancel} units completed after cancellation: cancellation is not observed within a unit.");
            Assert.True(latency < firstUnit + TimeSpan.FromMilliseconds(250),
                $"Training stopped {latency.TotalMilliseconds:F0} ms after cancellation; one unit takes {firstUnit.TotalMilliseconds:F0} ms.");
        }
    }

    private long? LiveObjectsAfterCollect()
    {
        EnsureNativeRuntime();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return LiveNativeObjects();
    }

    private void AssertNoNewNativeObjects(long? before, string when, int fits)
    {
        if (before is null)
        {
            // Components without native objects (LiveNativeObjects is null) must say so in NativeObjectsOptOutReason;
            // the rest of the check (dispose semantics, clear errors) has run and counts.
            Assert.False(string.IsNullOrWhiteSpace(NativeObjectsOptOutReason), $"{GetType().Name}: LiveNativeObjects is null but NativeObjectsOptOutReason gives no reason.");
            return;
        }
        // No collection first: an undisposed tensor that is merely unreachable still counts as a leak.
        var after = LiveNativeObjects() - fits * NativeCounterDriftPerFit;
        Assert.True(after == before, $"{after - before} native object(s) alive {when} (before {before}, after {after}, counter drift {fits * NativeCounterDriftPerFit} subtracted).");
    }
}
