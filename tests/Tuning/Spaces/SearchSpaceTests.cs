namespace DeepML.Tuning.Tests.Spaces;

public sealed class SearchSpaceTests
{
    [Fact]
    public void Invalid_ranges_throw_naming_the_parameter()
    {
        var swapped = Assert.Throws<ArgumentException>(() => new SearchSpace().AddFloat("learning_rate", 0.1, 0.01));
        Assert.Equal("learning_rate", swapped.ParamName);
        Assert.StartsWith("SearchSpace: parameter 'learning_rate' has the range [0.1, 0.01]; expected finite bounds with low < high.", swapped.Message);
        var log = Assert.Throws<ArgumentException>(() => new SearchSpace().AddFloat("lr", 0, 1, log: true));
        Assert.StartsWith("SearchSpace: parameter 'lr' is log-scaled with low = 0; expected low > 0.", log.Message);
        var step = Assert.Throws<ArgumentException>(() => new SearchSpace().AddInteger("width", 32, 250, step: 32));
        Assert.Contains("Use high = 224.", step.Message);
        Assert.Equal("width", step.ParamName);
        Assert.Equal("depth", Assert.Throws<ArgumentException>(() => new SearchSpace().AddCategorical("depth", [])).ParamName);
        Assert.Contains("lists the choice 'a' 2 times", Assert.Throws<ArgumentException>(() => new SearchSpace().AddCategorical("c", ["a", "b", "a"])).Message);
        Assert.Contains("is added twice", Assert.Throws<ArgumentException>(() => new SearchSpace().AddFloat("x", 0, 1).AddFloat("x", 0, 2)).Message);
    }

    [Fact]
    public void Conditions_need_an_earlier_parent_and_a_value_it_takes()
    {
        var missing = Assert.Throws<ArgumentException>(() => new SearchSpace().AddFloat("x", 0, 1)
            .AddFloat("momentum", 0, 1, condition: ParameterCondition.When("optimizer", "sgd")));
        Assert.Equal("SearchSpace: parameter 'momentum' is conditional on 'optimizer', which is not an earlier parameter; the space has 'x'. Add the parent first. (Parameter 'momentum')", missing.Message);
        var value = Assert.Throws<ArgumentException>(() => new SearchSpace().AddCategorical("optimizer", ["adam", "sgd"])
            .AddFloat("momentum", 0, 1, condition: ParameterCondition.When("optimizer", "rmsprop")));
        Assert.Contains("'optimizer' = 'rmsprop', a value 'optimizer' never takes", value.Message);
    }

    [Fact]
    public void Signature_describes_every_parameter_and_condition()
    {
        var space = new SearchSpace().AddFloat("lr", 1e-4, 1e-2, log: true).AddInteger("w", 32, 256, step: 32)
            .AddCategorical("opt", ["adam", "sgd"]).AddFloat("m", 0.5, 0.99, condition: ParameterCondition.When("opt", "sgd"));
        Assert.Equal("lr:float[0.0001,0.01,log]; w:int[32,256,step 32]; opt:categorical[adam|sgd]; m:float[0.5,0.99] if opt in {sgd}", space.Signature);
        Assert.Equal(8, ((IntegerParameter)space["w"]).Count);
    }

    [Fact]
    public void Conditional_parameters_are_sampled_only_when_the_parent_allows()
    {
        var space = new SearchSpace().AddCategorical("opt", ["adam", "sgd"]).AddFloat("m", 0.5, 0.99, condition: ParameterCondition.When("opt", "sgd"));
        var random = new Random(3);
        var draws = Enumerable.Range(0, 400).Select(_ => RandomSampler.Draw(space, random)).ToList();
        Assert.All(draws, d => Assert.Equal(d.Categorical("opt") == "sgd", d.Contains("m")));
        Assert.InRange(draws.Count(d => d.Contains("m")), 160, 240);   // Binomial(400, 0.5): ±4 σ
        var adam = draws.First(d => d.Categorical("opt") == "adam");
        Assert.Equal(0.9, adam.Float("m", whenInactive: 0.9));
        var inactive = Assert.Throws<InvalidOperationException>(() => adam.Float("m"));
        Assert.Equal("ParameterSet: parameter 'm' is not active in this trial (it applies when opt in {sgd}); expected a value only for active parameters. Check Contains(\"m\") or call Float(\"m\", whenInactive).", inactive.Message);
    }

    [Fact]
    public void Asking_for_an_unknown_or_mistyped_parameter_lists_the_space()
    {
        var space = new SearchSpace().AddFloat("learning_rate", 1e-4, 1e-2, log: true).AddInteger("width", 16, 64);
        var set = RandomSampler.Draw(space, new Random(1));
        var unknown = Assert.Throws<KeyNotFoundException>(() => set.Float("lr"));
        Assert.Equal("ParameterSet: the objective asked for parameter 'lr', which the search space does not have; the space has 'learning_rate', 'width'. Add 'lr' to the SearchSpace or fix the name.", unknown.Message);
        Assert.Contains("is a integer parameter, read with Float; expected Integer(\"width\")", Assert.Throws<InvalidOperationException>(() => set.Float("width")).Message);
    }

    [Fact]
    public void Log_uniform_and_log_integer_draws_spread_evenly_in_log_space()
    {
        var space = new SearchSpace().AddFloat("lr", 1e-4, 1e-2, log: true).AddInteger("n", 1, 1000, log: true);
        var random = new Random(11);
        var draws = Enumerable.Range(0, 4000).Select(_ => RandomSampler.Draw(space, random)).ToList();
        // Log-uniform on [1e-4, 1e-2]: P(x < 1e-3) = 1/2 (a uniform draw would give 0.09).
        Assert.InRange(draws.Count(d => d.Float("lr") < 1e-3) / 4000.0, 0.47, 0.53);
        // Log-uniform on [0.5, 1000.5] rounded: P(n ≤ 31) = (ln 31.5 − ln 0.5) / (ln 1000.5 − ln 0.5) = 0.5454.
        Assert.InRange(draws.Count(d => d.Integer("n") <= 31) / 4000.0, 0.5454 - 0.03, 0.5454 + 0.03);
        Assert.All(draws, d => Assert.InRange(d.Integer("n"), 1, 1000));
    }
}
