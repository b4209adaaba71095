namespace DeepML.Examples.Tests;

/// <summary>The fairness audit on Adult (sensitive feature: sex), held to the targets of its issue.</summary>
public sealed class FairnessAuditTests
{
    [Fact]
    public void EachMitigationReachesItsTarget()
    {
        var (f, output) = ExampleRunner.Run("FairnessAudit", TimeSpan.FromMinutes(12));
        string Show(string name) => f.TryGetValue(name, out var v) ? $"{name} = {v}" : $"{name} missing";
        Assert.True(f.GetValueOrDefault("threshold_dp_difference", 1) <= 0.02, $"{Show("threshold_dp_difference")}\n{output}");
        Assert.True(f.GetValueOrDefault("threshold_accuracy_lost_points", 99) <= 3, Show("threshold_accuracy_lost_points"));
        Assert.True(f.GetValueOrDefault("expgrad_dp_difference", 1) <= 0.03, Show("expgrad_dp_difference"));
        Assert.True(f.GetValueOrDefault("adversarial_dp_difference_ratio", 1) <= 0.5, Show("adversarial_dp_difference_ratio"));
        Assert.True(f.GetValueOrDefault("adversarial_accuracy_lost_points", 99) <= 3, Show("adversarial_accuracy_lost_points"));
        // The audit must find the disparity it then removes: FastTree's baseline DP difference on Adult is far from 0.
        Assert.True(f.GetValueOrDefault("fasttree_dp_difference", 0) >= 0.1, Show("fasttree_dp_difference"));
    }
}
