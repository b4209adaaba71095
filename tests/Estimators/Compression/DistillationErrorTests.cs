using DeepML.Estimators.Tests.Trainers;
using Microsoft.ML;
using Xunit;

namespace DeepML.Estimators.Tests.Compression;

/// <summary>Every bad distillation setting fails before training, naming the option or column and the fix.</summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class DistillationErrorTests
{
    public DistillationErrorTests() => TorchRuntime.EnsureLoaded();

    private static NeuralNetworkOptions With(DistillationOptions d) => new() { Network = Networks.Mlp([4]), Epochs = 1, Seed = 1, Distillation = d };

    [Fact]
    public void Invalid_options_name_themselves()
    {
        var teacher = new MLContext().Transforms.CopyColumns("A", "Features").Fit(TestData.CreditView(new MLContext()));
        Assert.Equal("Temperature", Assert.Throws<ArgumentException>(() => new DistillationOptions { Teacher = teacher, Temperature = 0 }).ParamName);
        Assert.Equal("Temperature", Assert.Throws<ArgumentException>(() => new DistillationOptions { Teacher = teacher, Temperature = double.NaN }).ParamName);
        Assert.Equal("SoftLossWeight", Assert.Throws<ArgumentException>(() => new DistillationOptions { Teacher = teacher, SoftLossWeight = 1.5 }).ParamName);
        Assert.Equal("Teacher", Assert.Throws<ArgumentException>(() => new DistillationOptions { Teacher = null! }).ParamName);
        Assert.Equal("TeacherOutputColumnName", Assert.Throws<ArgumentException>(() => new DistillationOptions { Teacher = teacher, TeacherOutputColumnName = " " }).ParamName);
        Assert.Equal("Evaluation", Assert.Throws<ArgumentException>(() => new DistillationOptions { Teacher = teacher, Evaluation = (TeacherEvaluation)7 }).ParamName);
    }

    [Fact]
    public void Task_and_teacher_kind_mismatches_are_refused_when_the_trainer_is_made()
    {
        var ml = new MLContext(seed: 1);
        var credit = TestData.CreditView(ml);
        var logistic = ml.BinaryClassification.Trainers.LbfgsLogisticRegression().Fit(credit);
        var e = Assert.Throws<ArgumentException>(() => ml.DeepML().Regression.NeuralNetwork(With(new DistillationOptions { Teacher = logistic, Temperature = 2 })));
        Assert.Contains("regression has no temperature", e.Message);
        e = Assert.Throws<ArgumentException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(With(new DistillationOptions { Teacher = logistic, Evaluation = TeacherEvaluation.PerBatch })));
        Assert.Contains("PerBatch, which needs a DeepML network teacher", e.Message);
        Assert.Contains("Use Evaluation = Cached", e.Message);
    }

    [Fact]
    public void A_teacher_that_cannot_score_the_data_or_has_no_score_is_named()
    {
        var ml = new MLContext(seed: 1);
        var credit = TestData.CreditView(ml);
        // Fitted on a column the student's data does not have.
        var renamed = ml.Transforms.CopyColumns("Other", "Features").Fit(credit).Transform(credit);
        var elsewhere = ml.Transforms.CopyColumns("Features", "Other").Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression())
            .Fit(ml.Transforms.DropColumns("Features").Fit(renamed).Transform(renamed));
        var e = Assert.Throws<ArgumentException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(With(new DistillationOptions { Teacher = elsewhere })).Fit(credit));
        Assert.Contains("DistillationOptions.Teacher cannot score the training data", e.Message);
        Assert.Contains("Other", e.Message);

        var noScore = ml.Transforms.CopyColumns("Copy", "Features").Fit(credit);
        e = Assert.Throws<ArgumentException>(() => ml.DeepML().BinaryClassification.NeuralNetwork(With(new DistillationOptions { Teacher = noScore })).Fit(credit));
        Assert.Contains("'Score'", e.Message);
        Assert.Contains("Copy", e.Message); // the columns that exist are listed
    }
}
