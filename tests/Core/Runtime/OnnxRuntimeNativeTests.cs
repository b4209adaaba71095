using DeepML.Core.Tests.Onnx;
using Xunit;

namespace DeepML.Core.Tests.Runtime;

/// <summary>Runs only when the process uses the packaged CPU-only native ONNX Runtime (DEEPML_ONNXRUNTIME_DIR unset).</summary>
public sealed class CpuOnlyRuntimeFactAttribute : FactAttribute
{
    public CpuOnlyRuntimeFactAttribute()
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(OnnxRuntimeNative.DirectoryVariable)))
            Skip = $"{OnnxRuntimeNative.DirectoryVariable} is set: these tests need the packaged CPU-only native ONNX Runtime.";
    }
}

public sealed class OnnxRuntimeNativeTests
{
    private static readonly NetworkModel Model = TestModels.Model(PredictionKind.BinaryClassification, 5, 3,
        new DenseLayer(8), new ActivationLayer(ActivationKind.Relu), new DenseLayer(1));

    [CpuOnlyRuntimeFact]
    public void Initialize_ReportsTheMappedLibraryAndProviders()
    {
        var lines = new List<string>();
        var info = OnnxRuntimeNative.Initialize(lines.Add);
        Assert.Equal(["CPUExecutionProvider"], info.AvailableProviders);
        Assert.False(info.HasCuda);
        Assert.Null(info.ConfiguredDirectory);
        Assert.True(File.Exists(info.LibraryPath), info.LibraryPath);
        Assert.StartsWith("libonnxruntime.so", Path.GetFileName(info.LibraryPath));
        Assert.Equal($"DeepML: ONNX Runtime {info.Version} from '{info.LibraryPath}'; providers: CPUExecutionProvider", Assert.Single(lines));
    }

    [CpuOnlyRuntimeFact]
    public void Cuda_WithoutFallback_ThrowsNamingWhatIsMissing()
    {
        var lines = new List<string>();
        var e = Assert.Throws<ExecutionProviderUnavailableException>(() =>
            new OrtBatchPredictor(OnnxExporter.Export(Model), new ScoringOptions { Device = "cuda:0" }, log: lines.Add));
        Assert.Equal("CUDAExecutionProvider", e.Provider);
        Assert.Equal(["CUDAExecutionProvider in the loaded native ONNX Runtime"], e.Missing);
        Assert.StartsWith("DeepML: cuda:0 was requested (ScoringOptions.Device = \"cuda:0\"), but the loaded native ONNX Runtime ", e.Message);
        Assert.Contains("was built without CUDA: its providers are CPUExecutionProvider, and no libonnxruntime_providers_cuda.so is beside it. Expected a CUDA-enabled libonnxruntime.", e.Message);
        Assert.Contains("set DEEPML_ONNXRUNTIME_DIR to a folder holding a CUDA-enabled libonnxruntime.so", e.Message);
        Assert.Contains("or reference Microsoft.ML.OnnxRuntime.Gpu", e.Message);
        Assert.DoesNotContain(lines, l => l.Contains("falling back"));
    }

    [CpuOnlyRuntimeFact]
    public void Cuda_WithFallback_LogsAndScoresOnCpuIdentically()
    {
        var bytes = OnnxExporter.Export(Model);
        var x = TestModels.Inputs(33, 5, 4);
        var lines = new List<string>();
        using var fallback = new OrtBatchPredictor(bytes, new ScoringOptions { Device = "cuda:1", FallbackToCpu = true }, log: lines.Add);
        using var cpu = new OrtBatchPredictor(bytes);
        var a = new float[33];
        var b = new float[33];
        fallback.Predict(x, 33, a);
        cpu.Predict(x, 33, b);

        Assert.Equal("CPUExecutionProvider", fallback.ExecutionProvider);
        Assert.DoesNotContain("cuda", fallback.Description);
        Assert.Contains(lines, l => l.StartsWith("DeepML: falling back to the CPU because FallbackToCpu is set. DeepML: cuda:1 was requested", StringComparison.Ordinal));
        Assert.Equal(b, a);
        TestModels.AssertClose(ReferenceNetwork.Forward(Model.Weights, x, 33), a, "fallback");
    }

    [Fact]
    public void ConfiguredFolderMissingSaysWhatToDo()
    {
        var e = Assert.Throws<DllNotFoundException>(() => OnnxRuntimeNative.LoadConfigured("/nonexistent/ort"));
        Assert.StartsWith("OnnxRuntimeNative: DEEPML_ONNXRUNTIME_DIR is '/nonexistent/ort', but that folder does not exist.", e.Message);
        Assert.Contains("Run scripts/fetch-onnxruntime-cuda.sh or unset DEEPML_ONNXRUNTIME_DIR", e.Message);

        var empty = Directory.CreateTempSubdirectory("deepml-ort-");
        try
        {
            File.WriteAllText(Path.Combine(empty.FullName, "readme.txt"), "");
            var e2 = Assert.Throws<DllNotFoundException>(() => OnnxRuntimeNative.LoadConfigured(empty.FullName));
            Assert.Contains($"'{Path.Combine(empty.FullName, "libonnxruntime.so")}' does not exist (the folder holds: readme.txt)", e2.Message);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }
}

/// <summary>Runs only where scripts/fetch-onnxruntime-cuda.sh has fetched the npm CUDA core into .native/onnxruntime-cuda.</summary>
public sealed class FetchedCudaCoreFactAttribute : FactAttribute
{
    public FetchedCudaCoreFactAttribute()
    {
        if (Folder() is null)
            Skip = "No .native/onnxruntime-cuda/libonnxruntime.so: run scripts/fetch-onnxruntime-cuda.sh to fetch the CUDA-capable core (.ci/run does).";
    }

    public static string? Folder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".native", "onnxruntime-cuda");
            if (File.Exists(Path.Combine(candidate, "libonnxruntime.so")))
                return candidate;
            if (File.Exists(Path.Combine(dir.FullName, "DeepML.sln")))
                return null;
        }
        return null;
    }
}

/// <summary>The CUDA diagnosis messages, from the inputs the GPU path would see (no GPU here).</summary>
public sealed class CudaDiagnosisTests
{
    [Fact]
    public void ProviderLoadFailureNamesTheMissingCudaLibraries()
    {
        // The shape of ONNX Runtime's message when dlopen of the provider fails (provider_bridge_ort.cc).
        const string ort = "[ErrorCode:RuntimeException] /onnxruntime/core/session/provider_bridge_ort.cc:1862 onnxruntime::Provider& onnxruntime::ProviderLibrary::Get() " +
            "[ONNXRuntimeError] : 1 : FAIL : Failed to load library libonnxruntime_providers_cuda.so with error: libcublasLt.so.13: cannot open shared object file: No such file or directory";
        var e = OrtSessionFactory.ProviderFailed("cuda:0 was requested", 0, ort, new InvalidOperationException(ort));
        Assert.Equal(["libcublasLt.so.13"], e.Missing);
        Assert.StartsWith("DeepML: cuda:0 was requested, but ONNX Runtime could not create the CUDA execution provider; missing library: libcublasLt.so.13. ONNX Runtime said: ", e.Message);
        Assert.Contains("add their folders to LD_LIBRARY_PATH", e.Message);
    }

    [Fact]
    public void DeviceFailurePointsAtTheDevice()
    {
        var e = OrtSessionFactory.ProviderFailed("cuda:3 was requested", 3, "CUDA failure 101: invalid device ordinal", new InvalidOperationException());
        Assert.Equal(["a working CUDA device 3"], e.Missing);
        Assert.Contains("check that GPU 3 exists and the NVIDIA driver works ('nvidia-smi')", e.Message);
    }

    [Fact]
    public void MissingProviderLibrariesAreListedByName()
    {
        var folder = Directory.CreateTempSubdirectory("deepml-ort-");
        try
        {
            Assert.Equal(["libonnxruntime_providers_cuda.so", "libonnxruntime_providers_shared.so"], OrtSessionFactory.MissingProviderLibraries(folder.FullName));
            File.WriteAllText(Path.Combine(folder.FullName, "libonnxruntime_providers_shared.so"), "");
            Assert.Equal(["libonnxruntime_providers_cuda.so"], OrtSessionFactory.MissingProviderLibraries(folder.FullName));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}

/// <summary>The public CUDA helper for user-built sessions, on the packaged CPU-only runtime.</summary>
public sealed class AppendCudaTests
{
    [CpuOnlyRuntimeFact]
    public void AppendCuda_OnACpuOnlyRuntime_NamesWhatIsMissing()
    {
        using var so = new Microsoft.ML.OnnxRuntime.SessionOptions();
        var e = Assert.Throws<ExecutionProviderUnavailableException>(() => OnnxRuntimeNative.AppendCuda(so, 0));
        Assert.StartsWith("DeepML: cuda:0 was requested (OnnxRuntimeNative.AppendCuda), but the loaded native ONNX Runtime ", e.Message);
        Assert.Contains("and no libonnxruntime_providers_cuda.so is beside it", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => OnnxRuntimeNative.AppendCuda(so, -1));
    }
}
