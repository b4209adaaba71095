using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using DeepML.Core.Tests.Onnx;
using Xunit;

namespace DeepML.Core.Tests.Runtime;

/// <summary>
/// DeepML's ONNX Runtime API bridge: the managed 1.31 assembly driving the npm 1.29 CUDA-capable core.
/// The native library is chosen once per process, so each case runs tests/Core/OrtProbe in a child
/// process with DEEPML_ONNXRUNTIME_DIR set, as a user's application would be started.
/// </summary>
public sealed class OrtApiBridgeTests
{
    private static readonly NetworkModel Model = TestModels.Model(PredictionKind.BinaryClassification, 7, 11,
        new DenseLayer(16), new BatchNormLayer(), new ActivationLayer(ActivationKind.Gelu), new DropoutLayer(0.2),
        new DenseLayer(8), new ActivationLayer(ActivationKind.Tanh), new DenseLayer(1));

    private const int Rows = 257;

    [Fact]
    public void ManagedTable_MatchesTheC_HeaderLayout()
    {
        // Golden values: offsetof(OrtApi, X) / sizeof(void*) compiled against the 1.29 core's onnxruntime_c_api.h
        // (425 entries); the managed 1.31 table adds the 1.30 and 1.31 entries after them.
        var table = OrtApiBridge.ManagedTable() ?? throw new Xunit.Sdk.XunitException("the managed OrtApi layout could not be read");
        Assert.Equal(427, table.Count);
        Assert.Equal("SessionReleaseCapturedGraph", table[421]);
        Assert.Equal("GetExperimentalFunction", table[422]);
        Assert.Equal("KernelContext_GetSyncStream", table[423]);
        Assert.Equal("SessionOptionsSetWeightlessSourceModelBuffer", table[424]);
        Assert.Equal(["KernelContext_GetPreallocatedOutput", "SessionOptionsSetEpContextDataReadFunc"], table.Skip(425));
        Assert.Equal(31u, OnnxRuntimeNative.ManagedApiVersion);
    }

    [Fact]
    public void NewerEntries_BeyondTheVerifiedOnes_AreRefused()
    {
        var table = OrtApiBridge.ManagedTable()!;
        Assert.Empty(OrtApiBridge.UnverifiedNewerEntries(table, 425));
        Assert.Empty(OrtApiBridge.UnverifiedNewerEntries(table, 427));
        Assert.Equal(["SessionOptionsSetWeightlessSourceModelBuffer"], OrtApiBridge.UnverifiedNewerEntries(table, 424));
    }

    [FetchedCudaCoreFact]
    public void NpmCore_ThroughTheBridge_ScoresLikeThePackagedRuntime()
    {
        var folder = FetchedCudaCoreFactAttribute.Folder()!;
        var x = TestModels.Inputs(Rows, 7, 5);
        var probe = Probe.Run(folder, "cpu", fallback: false, x);

        Assert.True(probe.ExitCode == 0, probe.Output);
        Assert.Contains("provider: CPUExecutionProvider", probe.Output);
        var info = probe.Log.First(l => l.StartsWith("DeepML: ONNX Runtime ", StringComparison.Ordinal));
        Assert.Equal(
            $"DeepML: ONNX Runtime 1.29.0 from '{Path.Combine(folder, "libonnxruntime.so")}' (DEEPML_ONNXRUNTIME_DIR) through DeepML's API bridge " +
            "(managed C API 31 on native C API 29; KernelContext_GetPreallocatedOutput, SessionOptionsSetEpContextDataReadFunc answer ORT_NOT_IMPLEMENTED); " +
            $"providers: CPUExecutionProvider; CUDA provider loadable on demand from '{Path.Combine(folder, "libonnxruntime_providers_cuda.so")}'",
            info);

        // Against the packaged 1.31 runtime in this process, and against an independent float64 forward pass.
        using var packaged = new OrtBatchPredictor(OnnxExporter.Export(Model));
        var expected = new float[Rows];
        packaged.Predict(x, Rows, expected);
        TestModels.AssertClose(expected.Select(v => (double)v).ToArray(), probe.Outputs!, "1.29 core through the bridge vs packaged 1.31", 1e-6);
        TestModels.AssertClose(ReferenceNetwork.Forward(Model.Weights, x, Rows), probe.Outputs!, "1.29 core through the bridge vs float64 reference");
    }

    [FetchedCudaCoreFact]
    public void NpmCore_Cuda_FailsNamingWhatIsMissing_OrFallsBackWhenAllowed()
    {
        var folder = FetchedCudaCoreFactAttribute.Folder()!;
        var x = TestModels.Inputs(Rows, 7, 6);
        var strict = Probe.Run(folder, "cuda:0", fallback: false, x);
        if (strict.ExitCode == 0)
        {
            // A machine with a GPU and the CUDA libraries: the provider must be CUDA and agree with the reference.
            Assert.Contains("provider: CUDAExecutionProvider", strict.Output);
            TestModels.AssertClose(ReferenceNetwork.Forward(Model.Weights, x, Rows), strict.Outputs!, "CUDA through the bridge", 1e-4);
            return;
        }
        // This machine: the real provider library is there, but not the CUDA libraries it links against.
        Assert.Equal(2, strict.ExitCode);
        var error = Assert.Single(strict.Lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.True(error.StartsWith("error: ExecutionProviderUnavailableException: DeepML: cuda:0 was requested (ScoringOptions.Device = \"cuda:0\"), but ONNX Runtime could not create the CUDA execution provider; missing librar", StringComparison.Ordinal), error);
        Assert.Matches(@"missing librar(y|ies): lib(cublas|cublasLt|cudart|curand|cudnn|cufft)[\w.]*\.so\.\d+", error);
        Assert.Contains("libonnxruntime_providers_cuda.so", error);
        Assert.Contains("add their folders to LD_LIBRARY_PATH", error);

        var lenient = Probe.Run(folder, "cuda:0", fallback: true, x);
        Assert.True(lenient.ExitCode == 0, lenient.Output);
        Assert.Contains("provider: CPUExecutionProvider", lenient.Output);
        Assert.Contains(lenient.Log, l => l.StartsWith("DeepML: falling back to the CPU because FallbackToCpu is set. DeepML: cuda:0 was requested", StringComparison.Ordinal));
        TestModels.AssertClose(ReferenceNetwork.Forward(Model.Weights, x, Rows), lenient.Outputs!, "fallback through the bridge");
    }

    [FetchedCudaCoreFact]
    public void NpmCore_MlNetApplyOnnxModel_ReachesTheCudaProviderThroughTheBridge()
    {
        // ML.NET asks for CUDA through the classic exported entry point, which the npm core lacks; the bridge
        // provides it by registering the plugin provider library beside the core.
        var folder = FetchedCudaCoreFactAttribute.Folder()!;
        var x = TestModels.Inputs(Rows, 7, 8);
        var strict = Probe.Run(folder, "cuda:0", fallback: false, x, engine: "mlnet");
        if (strict.ExitCode == 0)
        {
            TestModels.AssertClose(ReferenceNetwork.Forward(Model.Weights, x, Rows), strict.Outputs!, "ML.NET on CUDA through the bridge", 1e-4);
            return;
        }
        var error = Assert.Single(strict.Lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains("at Microsoft.ML.OnnxRuntime.SessionOptions.AppendExecutionProvider_CUDA(Int32 deviceId)", strict.Output);
        Assert.Contains($"Failed to load library {Path.Combine(folder, "libonnxruntime_providers_cuda.so")} with error: lib", error);
        Assert.Contains(": cannot open shared object file", error);
        Assert.DoesNotContain("EntryPointNotFoundException", strict.Output);

        var lenient = Probe.Run(folder, "cuda:0", fallback: true, x, engine: "mlnet");
        Assert.True(lenient.ExitCode == 0, lenient.Output);
        Assert.Contains("engine: mlnet", lenient.Output);
        TestModels.AssertClose(ReferenceNetwork.Forward(Model.Weights, x, Rows), lenient.Outputs!, "ML.NET's CPU fallback through the bridge");
    }

    [FetchedCudaCoreFact]
    public void NpmCore_WithoutTheBridge_SaysHowToGetIt()
    {
        var folder = FetchedCudaCoreFactAttribute.Folder()!;
        var bare = Directory.CreateTempSubdirectory("deepml-ort-nobridge-");
        try
        {
            File.CreateSymbolicLink(Path.Combine(bare.FullName, "libonnxruntime.so"), Path.Combine(folder, "libonnxruntime.so"));
            var probe = Probe.Run(bare.FullName, "cpu", fallback: false, TestModels.Inputs(3, 7, 1));
            Assert.Equal(2, probe.ExitCode);
            var error = Assert.Single(probe.Lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
            Assert.StartsWith($"error: DllNotFoundException: OnnxRuntimeNative: the native ONNX Runtime 1.29.0 at '{Path.Combine(bare.FullName, "libonnxruntime.so")}' (from DEEPML_ONNXRUNTIME_DIR) does not offer C API version 31", error);
            Assert.Contains("DeepML's API bridge (libdeepml_ort_bridge.so) can stand in for an older core, but it is not in that folder. Fix: run scripts/fetch-onnxruntime-cuda.sh", error);
        }
        finally
        {
            bare.Delete(recursive: true);
        }
    }

    [FetchedCudaCoreFact]
    public void ABridgeThatIsNotABridge_IsRefusedClearly()
    {
        var folder = FetchedCudaCoreFactAttribute.Folder()!;
        var fake = Directory.CreateTempSubdirectory("deepml-ort-fakebridge-");
        try
        {
            File.CreateSymbolicLink(Path.Combine(fake.FullName, "libonnxruntime.so"), Path.Combine(folder, "libonnxruntime.so"));
            // A real shared library that is not the bridge: the provider bridge library of the same package.
            File.CreateSymbolicLink(Path.Combine(fake.FullName, OrtApiBridge.FileName), Path.Combine(folder, "libonnxruntime_providers_shared.so"));
            var probe = Probe.Run(fake.FullName, "cpu", fallback: false, TestModels.Inputs(3, 7, 1));
            Assert.Equal(2, probe.ExitCode);
            var error = Assert.Single(probe.Lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
            Assert.Equal("error: DllNotFoundException: OnnxRuntimeNative: DeepML's API bridge has no 'DeepMLOrtBridge_CoreApiVersion': it is not a DeepML bridge or is out of date. Run scripts/fetch-onnxruntime-cuda.sh again to rebuild it.", error);
        }
        finally
        {
            fake.Delete(recursive: true);
        }
    }

    /// <summary>One run of the OrtProbe child program.</summary>
    private sealed record Probe(int ExitCode, string Output, float[]? Outputs)
    {
        public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        public string[] Log => Lines.Where(l => l.StartsWith("log: ", StringComparison.Ordinal)).Select(l => l[5..]).ToArray();

        private static string ProbePath => typeof(OrtApiBridgeTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .First(a => a.Key == "OrtProbePath").Value!;

        public static Probe Run(string onnxRuntimeFolder, string device, bool fallback, float[] inputs, string engine = "deepml")
        {
            var work = Directory.CreateTempSubdirectory("deepml-ortprobe-");
            try
            {
                var model = Path.Combine(work.FullName, "model.onnx");
                var input = Path.Combine(work.FullName, "inputs.f32");
                var output = Path.Combine(work.FullName, "outputs.f32");
                OnnxExporter.ExportToFile(Model, model);
                File.WriteAllBytes(input, MemoryMarshal.AsBytes(inputs.AsSpan()).ToArray());
                var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                foreach (var arg in new[] { "exec", ProbePath, model, input, (inputs.Length / 7).ToString(), device, fallback ? "true" : "false", output, engine })
                    psi.ArgumentList.Add(arg);
                psi.Environment[OnnxRuntimeNative.DirectoryVariable] = onnxRuntimeFolder;
                using var process = Process.Start(psi)!;
                var stderr = process.StandardError.ReadToEndAsync();
                var stdout = process.StandardOutput.ReadToEnd();
                Assert.True(process.WaitForExit(120_000), "OrtProbe did not finish within 120 s");
                var outputs = File.Exists(output) ? MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(output)).ToArray() : null;
                return new Probe(process.ExitCode, stdout + stderr.Result, outputs);
            }
            finally
            {
                work.Delete(recursive: true);
            }
        }
    }
}
