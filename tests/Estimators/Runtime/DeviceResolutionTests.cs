using TorchSharp;
using Xunit;

namespace DeepML.Estimators.Tests.Runtime;

public class DeviceResolutionTests
{
    [Theory]
    [InlineData("gpu")]
    [InlineData("")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("cuda0")]
    [InlineData(null)]
    public void InvalidDeviceStringsNameTheOptionAndTheValidForms(string? device)
    {
        var ex = Assert.Throws<ArgumentException>(() => TorchRuntime.ResolveDevice(device!));
        Assert.Equal("device", ex.ParamName);
        Assert.Contains("option 'Device'", ex.Message);
        Assert.Contains("\"cpu\", \"cuda\" or \"cuda:N\"", ex.Message);
    }

    [Theory]
    [InlineData("cpu", "cpu")]
    [InlineData(" CPU ", "cpu")]
    [InlineData("cuda", "cuda:0")]
    [InlineData("CUDA:1", "cuda:1")]
    public void ValidDevicesResolveToCanonicalForm(string device, string expected)
    {
        Assert.Equal(expected, TorchRuntime.ResolveDeviceCore(device, false, cudaAvailable: true, cudaDeviceCount: 2, log: null));
    }

    [Fact]
    public void CudaWithoutCudaThrowsNamingTheLibTorchVariable()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => TorchRuntime.ResolveDeviceCore("cuda", false, false, 0, null));
        Assert.Contains("asks for 'cuda', but the loaded libtorch has no usable CUDA device", ex.Message);
        Assert.Contains("DEEPML_LIBTORCH_DIR", ex.Message);
        Assert.Contains("fallback to CPU", ex.Message);
    }

    [Fact]
    public void CudaIndexOutOfRangeThrowsWithTheDeviceCount()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => TorchRuntime.ResolveDeviceCore("cuda:3", false, true, 2, null));
        Assert.Contains("only 2 CUDA device(s) exist (cuda:0 to cuda:1)", ex.Message);
    }

    [Fact]
    public void FallbackToCpuIsLoggedNeverSilent()
    {
        var lines = new List<string>();
        Assert.Equal("cpu", TorchRuntime.ResolveDeviceCore("cuda:0", true, false, 0, lines.Add));
        Assert.Contains("falling back to the CPU", Assert.Single(lines));
    }

    [Fact]
    public void PublicResolveDeviceUsesTheLoadedRuntime()
    {
        var info = TorchRuntime.EnsureLoaded();
        var lines = new List<string>();

        Assert.Equal("cpu", TorchRuntime.ResolveDevice("cpu"));
        Assert.Equal(DeviceType.CPU, TorchRuntime.ResolveTorchDevice("cpu").type);
        var cuda = TorchRuntime.ResolveDevice("cuda", fallbackToCpu: true, log: lines.Add);
        if (info.CudaAvailable)
        {
            Assert.Equal("cuda:0", cuda);
            Assert.Equal(DeviceType.CUDA, TorchRuntime.ResolveTorchDevice("cuda").type);
        }
        else
        {
            Assert.Equal("cpu", cuda);
            Assert.Contains(lines, l => l.Contains("falling back to the CPU"));
            Assert.Throws<InvalidOperationException>(() => TorchRuntime.ResolveDevice("cuda"));
        }
    }
}
