using System.Xml.Linq;

namespace DeepML.Packaging.Tests;

/// <summary>What <c>dotnet pack</c> puts into each DeepML package: metadata, files, dependencies.</summary>
[Collection(PackageFeedCollection.Name)]
public sealed class PackageContentsTests(PackageFeed feed)
{
    [Fact]
    public void Feed_holds_exactly_the_library_packages()
    {
        var packed = Directory.GetFiles(feed.Folder, "*.nupkg").Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(PackageFeed.PackageIds.Select(id => $"{id}.{feed.Version}.nupkg").Order().ToArray(), packed);
    }

    [Theory]
    [InlineData("DeepML.Core")]
    [InlineData("DeepML.Estimators")]
    [InlineData("DeepML.Fairness")]
    [InlineData("DeepML.Serving")]
    [InlineData("DeepML.Transforms")]
    [InlineData("DeepML.Tuning")]
    public void Package_has_license_readme_description_and_its_assembly_with_docs(string id)
    {
        var metadata = Metadata(id);
        Assert.Equal(id, Value(metadata, "id"));
        Assert.Equal(feed.Version, Value(metadata, "version"));
        Assert.Equal("DeepML contributors", Value(metadata, "authors"));
        var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal(("expression", "MIT"), ((string?)license.Attribute("type"), license.Value));
        Assert.Equal("README.md", Value(metadata, "readme"));
        Assert.StartsWith($"# {id}\n", feed.ReadText(id, "README.md"));
        Assert.Contains("ml.net", Value(metadata, "tags").Split(' '));
        Assert.True(Value(metadata, "description").Length > 80, $"{id}: the description is too short to say what the package holds.");
        var files = feed.Files(id);
        Assert.Contains($"lib/net10.0/{id}.dll", files);
        Assert.Contains($"lib/net10.0/{id}.xml", files);   // IntelliSense docs
    }

    [Theory]
    [InlineData("DeepML.Core", "Google.Protobuf Microsoft.ML Microsoft.ML.OnnxRuntime.Managed Microsoft.ML.OnnxTransformer")]
    [InlineData("DeepML.Estimators", "DeepML.Core DeepML.Transforms TorchSharp")]
    [InlineData("DeepML.Fairness", "DeepML.Core ScottPlot")]
    [InlineData("DeepML.Serving", "DeepML.Core Microsoft.AspNetCore.OpenApi")]
    [InlineData("DeepML.Transforms", "DeepML.Core Microsoft.ML.FastTree ScottPlot")]
    [InlineData("DeepML.Tuning", "DeepML.Core DeepML.Estimators Microsoft.Data.Sqlite Npgsql")]
    public void Dependencies_are_the_managed_packages_at_the_pinned_versions(string id, string expected)
    {
        // Native runtimes (Microsoft.ML.OnnxRuntime, .Gpu.Linux, libtorch-*) are the application's choice (README "Packages").
        var dependencies = Metadata(id).Descendants().Where(e => e.Name.LocalName == "dependency")
            .ToDictionary(e => (string)e.Attribute("id")!, e => (string)e.Attribute("version")!);
        Assert.Equal(expected.Split(' '), dependencies.Keys.Order(StringComparer.Ordinal).ToArray());
        foreach (var (dependency, version) in dependencies)
            Assert.Equal(dependency.StartsWith("DeepML.", StringComparison.Ordinal) ? feed.Version : Repository.PinnedVersion(dependency), version);
    }

    private XElement Metadata(string id) => feed.Nuspec(id).Elements().Single(e => e.Name.LocalName == "metadata");

    private static string Value(XElement metadata, string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
}

/// <summary>One packing per test run, shared by the package tests.</summary>
[CollectionDefinition(Name)]
public sealed class PackageFeedCollection : ICollectionFixture<PackageFeed>
{
    public const string Name = "Package feed";
}
