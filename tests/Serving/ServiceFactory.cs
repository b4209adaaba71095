using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DeepML.Serving.Tests;

/// <summary>The example service (examples/Service, Program) in a test server, with DeepML:* settings.</summary>
public static class ServiceFactory
{
    public static WebApplicationFactory<Program> Create(string modelPath, params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("DeepML:ModelPath", modelPath);
            builder.UseSetting("DeepML:PollIntervalMs", "100");
            builder.UseSetting("DeepML:ReloadDebounceMs", "50");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            foreach (var (key, value) in settings)
                builder.UseSetting("DeepML:" + key, value);
        });

    /// <summary>The version tag and the scores of a 200 response.</summary>
    public static (string Version, Scores[] Scores) Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var scores = root.GetProperty("predictions").EnumerateArray().Select(p => new Scores(
            p.GetProperty("Score").GetSingle(), p.GetProperty("Probability").GetSingle(), p.GetProperty("PredictedLabel").GetBoolean())).ToArray();
        return (root.GetProperty("modelVersion").GetString()!, scores);
    }

    /// <summary>The detail and errors of a ProblemDetails body.</summary>
    public static (int Status, string Detail, string[] Errors) Problem(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var errors = root.TryGetProperty("errors", out var e) ? e.EnumerateArray().Select(x => x.GetString()!).ToArray() : [];
        return (root.GetProperty("status").GetInt32(), root.GetProperty("detail").GetString()!, errors);
    }
}
