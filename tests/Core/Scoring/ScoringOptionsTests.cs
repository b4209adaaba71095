using Xunit;

namespace DeepML.Core.Tests.Scoring;

public sealed class ScoringOptionsTests
{
    [Theory]
    [InlineData("cpu", null)]
    [InlineData("CPU", null)]
    [InlineData("cuda", 0)]
    [InlineData("cuda:0", 0)]
    [InlineData(" Cuda:3 ", 3)]
    public void DeviceParses(string device, int? id) => Assert.Equal(id, new ScoringOptions { Device = device }.DeviceId);

    [Fact]
    public void DefaultsAreCpuNoFallback1024()
    {
        var o = new ScoringOptions();
        Assert.Equal(("cpu", (int?)null, false, 0, 1024), (o.Device, o.DeviceId, o.FallbackToCpu, o.IntraOpThreads, o.BatchSize));
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("")]
    public void InvalidDeviceThrowsNamingTheOption(string device)
    {
        var e = Assert.Throws<ArgumentException>(() => new ScoringOptions { Device = device });
        Assert.Equal("Device", e.ParamName);
        Assert.StartsWith($"ScoringOptions: Device '{device}' is not recognised. Expected \"cpu\", \"cuda\" or \"cuda:N\"", e.Message);
    }

    [Fact]
    public void InvalidNumbersThrowNamingTheOption()
    {
        Assert.Equal("BatchSize", Assert.Throws<ArgumentException>(() => new ScoringOptions { BatchSize = 0 }).ParamName);
        Assert.Equal("BatchSize", Assert.Throws<ArgumentException>(() => new ScoringOptions { BatchSize = ScoringOptions.MaxBatchSize + 1 }).ParamName);
        Assert.Equal("IntraOpThreads", Assert.Throws<ArgumentException>(() => new ScoringOptions { IntraOpThreads = -1 }).ParamName);
    }
}
