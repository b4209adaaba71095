using DeepML.Core.Tests.Onnx;
using Xunit;

namespace DeepML.Core.Tests.Runtime;

/// <summary>Runs only where Microsoft.ML.OnnxRuntime.Gpu.Linux is in the NuGet cache (restoring examples/AdultIncome or benchmarks/Onnx puts it there).</summary>
public sealed class GpuPackageFactAttribute : FactAttribute
{
    public GpuPackageFactAttribute()
    {
        if (OrtProbeProcess.PackageNativeFolder(OnnxRuntimeNative.CudaPackage) is null)
            Skip = $"{OnnxRuntimeNative.CudaPackage} is not restored in the NuGet cache: 'dotnet restore examples/AdultIncome' (or the solution build) restores it.";
    }
}

/// <summary>
/// The official native packages in a fresh process each (tests/Core/OrtProbe): no native package at all, the CPU
/// package's folder and the GPU package's folder through DEEPML_ONNXRUNTIME_DIR. On this CPU machine the GPU package's
/// CUDA provider is real but its CUDA 13 libraries are absent, which is exactly what the diagnosis must name.
/// </summary>
public sealed class OnnxRuntimePackageTests
{
    private static readonly NetworkModel Model = TestModels.Model(PredictionKind.BinaryClassification, 7, 11,
        new DenseLayer(16), new ActivationLayer(ActivationKind.Gelu), new DenseLayer(8), new ActivationLayer(ActivationKind.Tanh), new DenseLayer(1));

    private const int Rows = 257, Width = 7;

    private static string GpuFolder => OrtProbeProcess.PackageNativeFolder(OnnxRuntimeNative.CudaPackage)!;

    [Fact]
    public void WithoutANativePackage_Initialize_NamesThePackageToReference()
    {
        var probe = OrtProbeProcess.Init(onnxRuntimeFolder: null);
        Assert.Equal(2, probe.ExitCode);
        var error = probe.Error;
        Assert.StartsWith("error: DllNotFoundException: DeepML: the native ONNX Runtime (libonnxruntime.so) could not be loaded (Unable to load shared library 'onnxruntime' or one of its dependencies). ", error);
        Assert.Contains("Expected the application to reference a native ONNX Runtime package: DeepML's libraries carry only the managed Microsoft.ML.OnnxRuntime.Managed 1.32.0.", error);
        Assert.Contains("Fix: add <PackageReference Include=\"Microsoft.ML.OnnxRuntime\" Version=\"1.32.0\" /> to the application project to score on the CPU, or Microsoft.ML.OnnxRuntime.Gpu.Linux", error);
        Assert.DoesNotContain("TypeInitializationException", error);
    }

    [Fact]
    public void CpuPackageFolder_FromTheVariable_ScoresLikeThisProcess()
    {
        var folder = OrtProbeProcess.PackageNativeFolder(OnnxRuntimeNative.CpuPackage)!;
        var x = TestModels.Inputs(Rows, Width, 5);
        var probe = OrtProbeProcess.Score(Model, Width, folder, "cpu", fallback: false, x);

        Assert.True(probe.ExitCode == 0, probe.Output);
        Assert.Contains("provider: CPUExecutionProvider", probe.Output);
        Assert.Contains($"DeepML: ONNX Runtime 1.32.0 from '{Path.Combine(folder, "libonnxruntime.so")}' (DEEPML_ONNXRUNTIME_DIR); providers: CPUExecutionProvider", probe.Log);
        using var here = new OrtBatchPredictor(OnnxExporter.Export(Model));
        var expected = new float[Rows];
        here.Predict(x, Rows, expected);
        Assert.Equal(expected, probe.Outputs);
        TestModels.AssertClose(ReferenceNetwork.Forward(Model.Weights, x, Rows), probe.Outputs!, "configured CPU package vs float64 reference");
    }

    [GpuPackageFact]
    public void GpuPackage_ListsCuda_AndScoresOnTheCpuExactly()
    {
        var x = TestModels.Inputs(Rows, Width, 6);
        var probe = OrtProbeProcess.Score(Model, Width, GpuFolder, "cpu", fallback: false, x);
        Assert.True(probe.ExitCode == 0, probe.Output);
        var info = Assert.Single(probe.Log.Distinct(), l => l.StartsWith("DeepML: ONNX Runtime ", StringComparison.Ordinal));
        Assert.Equal($"DeepML: ONNX Runtime 1.32.0 from '{Path.Combine(GpuFolder, "libonnxruntime.so")}' (DEEPML_ONNXRUNTIME_DIR); providers: TensorrtExecutionProvider, CUDAExecutionProvider, CPUExecutionProvider", info);
        TestModels.AssertClose(ReferenceNetwork.Forward(Model.Weights, x, Rows), probe.Outputs!, "GPU package on the CPU vs float64 reference");
    }

    [GpuPackageFact]
    public void GpuPackage_Cuda_NamesTheFirstMissingCudaLibrary_OrFallsBackWhenAllowed()
    {
        var x = TestModels.Inputs(Rows, Width, 7);
        var strict = OrtProbeProcess.Score(Model, Width, GpuFolder, "cuda:0", fallback: false, x);
        if (strict.ExitCode == 0)
        {
            // A machine with a GPU and the CUDA 13 libraries on the loader path.
            Assert.Contains("provider: CUDAExecutionProvider", strict.Output);
            TestModels.AssertClose(ReferenceNetwork.Forward(Model.Weights, x, Rows), strict.Outputs!, "CUDA", 1e-4);
            return;
        }
        // ldd libonnxruntime_providers_cuda.so on this machine: libcublasLt.so.13 is its first NEEDED entry and 'not found'.
        var expected = NativeDependencyProbe.FirstUnresolvable(Path.Combine(GpuFolder, "libonnxruntime_providers_cuda.so"));
        Assert.Equal(["libcublasLt.so.13"], expected);
        Assert.Equal(2, strict.ExitCode);
        Assert.StartsWith(
            "error: ExecutionProviderUnavailableException: DeepML: cuda:0 was requested (ScoringOptions.Device = \"cuda:0\"), but ONNX Runtime could not create the CUDA execution provider: " +
            "libonnxruntime_providers_cuda.so needs libcublasLt.so.13, which the loader cannot find. ONNX Runtime said: ",
            strict.Error);
        Assert.Contains("Fix: put their folders on LD_LIBRARY_PATH before starting the process, for example a PyTorch cu130 installation's site-packages/nvidia/*/lib folders; or set FallbackToCpu = true.", strict.Error);

        var lenient = OrtProbeProcess.Score(Model, Width, GpuFolder, "cuda:0", fallback: true, x);
        Assert.True(lenient.ExitCode == 0, lenient.Output);
        Assert.Contains("provider: CPUExecutionProvider", lenient.Output);
        Assert.Contains(lenient.Log, l => l.StartsWith("DeepML: falling back to the CPU because FallbackToCpu is set. DeepML: cuda:0 was requested", StringComparison.Ordinal)
                                          && l.Contains("needs libcublasLt.so.13"));
        TestModels.AssertClose(ReferenceNetwork.Forward(Model.Weights, x, Rows), lenient.Outputs!, "CPU fallback");
    }

    [GpuPackageFact]
    public void GpuPackage_MlNetApplyOnnxModel_WithGpuDeviceAndFallback_ScoresOnTheCpu()
    {
        var x = TestModels.Inputs(Rows, Width, 8);
        var lenient = OrtProbeProcess.Score(Model, Width, GpuFolder, "cuda:0", fallback: true, x, engine: "mlnet");
        Assert.True(lenient.ExitCode == 0, lenient.Output);
        Assert.Contains("engine: mlnet", lenient.Output);
        TestModels.AssertClose(ReferenceNetwork.Forward(Model.Weights, x, Rows), lenient.Outputs!, "ML.NET ApplyOnnxModel(gpuDeviceId: 0, fallbackToCpu: true)");
    }

    [GpuPackageFact]
    public void GpuPackage_ProviderLibrary_NeedsWhatReadelfLists()
    {
        // readelf -d libonnxruntime_providers_cuda.so (1.32.0): the NEEDED entries, in order.
        Assert.Equal(
            ["libcublasLt.so.13", "libcublas.so.13", "libcurand.so.10", "libcudart.so.13", "libcuda.so.1", "libdl.so.2", "librt.so.1",
             "libpthread.so.0", "libstdc++.so.6", "libm.so.6", "libgcc_s.so.1", "libc.so.6", "ld-linux-x86-64.so.2"],
            ElfNeededLibraries.Read(Path.Combine(GpuFolder, "libonnxruntime_providers_cuda.so")));
    }
}
