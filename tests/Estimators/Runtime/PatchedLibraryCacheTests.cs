using Xunit;

namespace DeepML.Estimators.Tests.Runtime;

public class PatchedLibraryCacheTests
{
    [Fact]
    public void StoreWritesOnceThenReusesAndRepairsACorruptCopy()
    {
        var root = Directory.CreateTempSubdirectory("deepml-cache-test-").FullName;
        try
        {
            byte[] content = { 1, 2, 3, 4, 5 };

            var (path, reused) = PatchedLibraryCache.Store(root, "abc", "lib.so", content);
            Assert.False(reused);
            Assert.Equal(Path.Combine(root, "abc", "lib.so"), path);
            Assert.Equal(content, File.ReadAllBytes(path));
            var mtime = File.GetLastWriteTimeUtc(path);

            var again = PatchedLibraryCache.Store(root, "abc", "lib.so", content);
            Assert.True(again.Reused);
            Assert.Equal(mtime, File.GetLastWriteTimeUtc(path));

            File.WriteAllBytes(path, new byte[] { 9, 9 }); // truncated or foreign file: replaced, not trusted
            var repaired = PatchedLibraryCache.Store(root, "abc", "lib.so", content);
            Assert.False(repaired.Reused);
            Assert.Equal(content, File.ReadAllBytes(path));
            Assert.Single(Directory.EnumerateFiles(Path.Combine(root, "abc"))); // no temp files left
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void UnwritableCacheGivesAnActionableError()
    {
        var file = Path.GetTempFileName(); // a file where a folder is expected
        try
        {
            var ex = Assert.Throws<IOException>(() => PatchedLibraryCache.Store(file, "abc", "lib.so", new byte[] { 1 }));
            Assert.Contains("could not write the patched lib.so", ex.Message);
            Assert.Contains("set DEEPML_NATIVE_CACHE to a writable folder", ex.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
