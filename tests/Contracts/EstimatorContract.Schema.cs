using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace DeepML.Testing;

public abstract partial class EstimatorContract<TEstimator, TTransformer, TInput, TOutput>
{
    /// <summary>Check 1: the estimator's SchemaShape, the fitted transformer's schema and the transformed data's schema agree.</summary>
    [ContractFact]
    public void C01_OutputSchemasAgree()
    {
        var ml = Context();
        var data = CreateTrainingData(ml);
        var estimator = CreateEstimator(ml, Seed);
        var shape = estimator.GetOutputSchema(ContractData.ShapeOf(data.Schema));
        var fitted = estimator.Fit(data);
        try
        {
            var fromTransformer = fitted.GetOutputSchema(data.Schema);
            var fromData = fitted.Transform(data).Schema;
            Assert.Equal(fromTransformer.Select(ContractData.Describe), fromData.Select(ContractData.Describe));
            Assert.Equal(fromTransformer.Select(c => c.IsHidden), fromData.Select(c => c.IsHidden));

            var actualShape = ContractData.ShapeOf(fromData);
            var visible = fromData.Where(c => !c.IsHidden).Select(c => c.Name).ToArray();
            Assert.Equal(visible.OrderBy(n => n, StringComparer.Ordinal), shape.Select(c => c.Name).OrderBy(n => n, StringComparer.Ordinal));
            foreach (var expected in shape)
            {
                var actual = actualShape.Single(c => c.Name == expected.Name);
                var where = $"column '{expected.Name}': estimator says {expected}, data has {actual}";
                Assert.True(expected.Kind == actual.Kind, $"kind differs — {where}");
                Assert.True(expected.IsKey == actual.IsKey, $"key-ness differs — {where}");
                Assert.True(expected.ItemType.RawType == actual.ItemType.RawType, $"item type differs — {where}");
                if (!expected.IsKey)
                    Assert.True(expected.ItemType.Equals(actual.ItemType), $"item type differs — {where}");
                // ML.NET's own notion: the fitted column satisfies what the estimator promised.
                Assert.True(ContractData.IsCompatible(expected, actual), $"not compatible — {where}");
            }
        }
        finally
        {
            Dispose(fitted);
        }
    }

    /// <summary>Check 3: a wrong column type names the column, the expected and the actual type — at GetOutputSchema, Fit and Transform.</summary>
    [ContractFact]
    public void C03_WrongColumnTypeIsNamedAtConstructionFitAndTransform()
    {
        var ml = Context();
        var cases = WrongColumnTypes(ml).ToArray();
        Assert.NotEmpty(cases);
        TTransformer? fitted = null;
        try
        {
            foreach (var c in cases)
            {
                var atShape = Assert.ThrowsAny<ArgumentException>(() => CreateEstimator(ml, Seed).GetOutputSchema(ContractData.ShapeOf(c.Data.Schema)));
                AssertMentions(atShape, $"'{c.Column}'", c.Expected, c.Actual);
                var atFit = Assert.ThrowsAny<ArgumentException>(() => Dispose(CreateEstimator(ml, Seed).Fit(c.Data)));
                AssertMentions(atFit, $"'{c.Column}'", c.Expected, c.Actual);
                if (c.ExpectedAtTransform is null)
                    continue;
                fitted ??= CreateEstimator(ml, Seed).Fit(CreateTrainingData(ml));
                // Transform itself must fail (not the first cursor): nothing is cursored here.
                var atTransform = Assert.ThrowsAny<ArgumentException>(() => fitted.Transform(c.Data));
                AssertMentions(atTransform, $"'{c.Column}'", c.ExpectedAtTransform, c.Actual);
            }
            Assert.True(fitted is not null || cases.All(c => c.ExpectedAtTransform is null));
        }
        finally
        {
            Dispose(fitted);
        }
    }

    /// <summary>Check 4: a missing column is named and the available columns are listed — at GetOutputSchema, Fit and Transform.</summary>
    [ContractFact]
    public void C04_MissingColumnListsAvailableColumns()
    {
        var ml = Context();
        var cases = MissingColumns(ml).ToArray();
        Assert.NotEmpty(cases);
        TTransformer? fitted = null;
        try
        {
            foreach (var c in cases)
            {
                Assert.Null(c.Data.Schema.GetColumnOrNull(c.Column));
                var available = c.Data.Schema.Where(col => !col.IsHidden).Select(col => $"'{col.Name}'").ToArray();
                var parts = available.Prepend($"'{c.Column}'").ToArray();
                AssertMentions(Assert.ThrowsAny<ArgumentException>(() => CreateEstimator(ml, Seed).GetOutputSchema(ContractData.ShapeOf(c.Data.Schema))), parts);
                AssertMentions(Assert.ThrowsAny<ArgumentException>(() => Dispose(CreateEstimator(ml, Seed).Fit(c.Data))), parts);
                if (!c.CheckAtTransform)
                    continue;
                fitted ??= CreateEstimator(ml, Seed).Fit(CreateTrainingData(ml));
                AssertMentions(Assert.ThrowsAny<ArgumentException>(() => fitted.Transform(c.Data)), parts);
            }
        }
        finally
        {
            Dispose(fitted);
        }
    }

    /// <summary>Check 11: each invalid option throws an ArgumentException naming the option.</summary>
    [ContractFact]
    public void C11_EachInvalidOptionThrowsNamingItself()
    {
        EnsureNativeRuntime();
        var cases = InvalidOptions().ToArray();
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            var e = Assert.ThrowsAny<ArgumentException>(c.Make);
            Assert.True(e.ParamName == c.Name || e.Message.Contains(c.Name, StringComparison.Ordinal),
                $"Invalid option {c.Name}: the ArgumentException should name it (ParamName '{e.ParamName}', message \"{e.Message}\").");
        }
    }
}
