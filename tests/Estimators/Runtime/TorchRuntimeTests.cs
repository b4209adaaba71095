using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace DeepML.Estimators.Tests.Runtime;

public class TorchRuntimeTests
{
    [Fact]
    public void MatrixProductMatchesClosedFormAfterLoading()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();

        var a = tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        var product = a.matmul(a);

        // [[1,2],[3,4]]^2 = [[7,10],[15,22]]
        Assert.Equal(new float[] { 7, 10, 15, 22 }, product.data<float>().ToArray());
    }

    [Fact]
    public void LinearForwardMatchesHandComputedValues()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var linear = nn.Linear(3, 2);
        using (no_grad())
        {
            linear.weight!.copy_(tensor(new float[] { 1, 0, -1, 2, 1, 0 }).reshape(2, 3));
            linear.bias!.copy_(tensor(new float[] { 0.5f, -1 }));
        }

        var y = linear.forward(tensor(new float[] { 1, 2, 3 }).reshape(1, 3));

        // [1 - 3 + 0.5, 2 + 2 - 1]
        Assert.Equal(new float[] { -1.5f, 3 }, y.data<float>().ToArray());
    }

    [Fact]
    public void EnsureLoadedIsIdempotentAcrossThreads()
    {
        var results = new TorchRuntimeInfo[8];
        Parallel.For(0, results.Length, i => results[i] = TorchRuntime.EnsureLoaded());

        Assert.All(results, r => Assert.Same(results[0], r));
        Assert.Same(results[0], TorchRuntime.Info);
        var lines = new List<string>();
        TorchRuntime.EnsureLoaded(lines.Add);
        Assert.StartsWith("TorchRuntime: already loaded.", Assert.Single(lines));
    }

    [Fact]
    public void ReportsWhatItLoadedAndTorchSharpRunsOnIt()
    {
        var info = TorchRuntime.EnsureLoaded();
        var missing = NativeTestPaths.HostMissingVersions();
        var maps = TorchRuntime.MappedFiles();

        Assert.True(File.Exists(Path.Combine(info.LibTorchFolder!, "libtorch_cpu.so")));
        if (Environment.GetEnvironmentVariable("DEEPML_LIBTORCH_DIR") is null && Environment.GetEnvironmentVariable("TORCH_LIB") is null)
        {
            // The test project references the CPU package: libtorch comes from the output folder.
            Assert.Equal("application folder", info.LibTorchFolderSource);
            Assert.False(info.CudaAvailable);
            Assert.Equal(0, info.CudaDeviceCount);
        }
        Assert.Equal("2.10.0.0", info.TorchVersion);
        Assert.Contains(info.LibTorchSharpPath!, maps);
        Assert.True(TorchRuntime.ResolverHits > 0, "TorchSharp's [DllImport(\"LibTorchSharp\")] calls must go through the resolver");
        if (missing.Count == 0)
        {
            Assert.Equal(NativePatchStatus.NotNeeded, info.PatchStatus);
            Assert.Null(info.CachePath);
            Assert.Contains(info.Messages, m => m.Contains("(no patch)"));
            return;
        }
        Assert.Equal(new[] { "GLIBCXX_3.4.32" }, missing);
        Assert.Contains(info.PatchStatus, new[] { NativePatchStatus.Created, NativePatchStatus.Reused });
        Assert.Equal(missing, info.WeakenedVersions);
        Assert.Equal(info.CachePath, info.LibTorchSharpPath);
        Assert.EndsWith(Path.Combine(PatchedLibraryCache.Sha256Hex(info.OriginalLibTorchSharpPath!), "libLibTorchSharp.so"), info.CachePath);
        Assert.DoesNotContain(info.OriginalLibTorchSharpPath!, maps); // TorchSharp did not load the unpatched file
        Assert.Contains(info.Messages, m => m.Contains("verified that TorchSharp runs on"));
        var weak = ElfVersionPatcher.Load(info.CachePath!).GetVersionNeeds().Single(n => n.Name == "GLIBCXX_3.4.32");
        Assert.True(weak.IsWeak);
    }

    [Fact]
    public void NuGetCacheAndAppFolderCopiesAreByteForByteUnchanged()
    {
        var nuget = NativeTestPaths.NuGetLibTorchSharp;
        var mtime = File.GetLastWriteTimeUtc(nuget);
        var expected = NativeTestPaths.Sha256InNupkg();

        var info = TorchRuntime.EnsureLoaded();
        using (var t = ones(3).sum()) Assert.Equal(3f, t.item<float>());

        Assert.Equal(expected, NativeTestPaths.Sha256(nuget));
        Assert.Equal(expected, NativeTestPaths.Sha256(info.OriginalLibTorchSharpPath!));
        Assert.Equal(mtime, File.GetLastWriteTimeUtc(nuget));
        var appFolder = Path.GetFullPath(AppContext.BaseDirectory);
        Assert.False(info.CachePath?.StartsWith(appFolder, StringComparison.Ordinal) ?? false);
        Assert.False(info.CachePath?.StartsWith(NativeTestPaths.NuGetPackageRoot, StringComparison.Ordinal) ?? false);
        Assert.False(Directory.Exists(Path.Combine(appFolder, "cpu")), "TorchSharp's fallback consolidation folder must not be created");
    }

    [Fact]
    public void MissingLibTorchNamesThePackageAndTheVariable()
    {
        var empty = Directory.CreateTempSubdirectory("deepml-nolibtorch-").FullName;
        try
        {
            var ex = Assert.Throws<DllNotFoundException>(() => NativeLibraryLocator.ResolveLibTorchFolder(null, null, new[] { empty }));
            Assert.Contains("no native libtorch found", ex.Message);
            Assert.Contains("libtorch-cpu-linux-x64 2.10.0", ex.Message);
            Assert.Contains("DEEPML_LIBTORCH_DIR", ex.Message);
            Assert.Contains(empty, ex.Message);

            var configured = Assert.Throws<DllNotFoundException>(() => NativeLibraryLocator.ResolveLibTorchFolder(null, empty, Array.Empty<string>()));
            Assert.Contains($"TORCH_LIB is set to '{empty}', but that folder holds no libtorch_cpu.so", configured.Message);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public void ConfiguredFolderWinsOverTorchLibAndAppFolder()
    {
        var app = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");

        Assert.Equal((app.TrimEnd('/'), "DEEPML_LIBTORCH_DIR"), Norm(NativeLibraryLocator.ResolveLibTorchFolder(app, "/nonexistent", Array.Empty<string>())));
        Assert.Equal((app.TrimEnd('/'), "TORCH_LIB"), Norm(NativeLibraryLocator.ResolveLibTorchFolder(" ", app, Array.Empty<string>())));
        Assert.Equal("application folder", NativeLibraryLocator.ResolveLibTorchFolder(null, null, new[] { "/nonexistent", app }).Source);
        Assert.Equal(app, NativeLibraryLocator.ResolveLibTorchFolder(null, null, new[] { "/nonexistent", app }).Folder);

        static (string, string) Norm((string Folder, string Source) r) => (r.Folder.TrimEnd('/'), r.Source);
    }
}
