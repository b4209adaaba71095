using DeepML.Serving;

namespace DeepML.Examples.Service;

/// <summary>Builds the service: configuration section <c>DeepML</c> → <see cref="ServingOptions"/>, the endpoints, Kestrel.</summary>
public static class ServiceApp
{
    /// <summary>The configuration section read by <see cref="Options"/>.</summary>
    public const string Section = "DeepML";

    /// <summary>Builds the application; <paramref name="configure"/> may change the builder (tests and benchmarks set URLs and options).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var options = Options(builder.Configuration);
        builder.Services.AddDeepMLModel(options);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        var app = builder.Build();
        app.MapDeepMLPredictions();
        return app;
    }

    /// <summary>Reads <see cref="ServingOptions"/> from the <c>DeepML</c> section (times in milliseconds); absent keys keep the defaults.</summary>
    public static ServingOptions Options(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var defaults = new ServingOptions();
        var modelPath = section["ModelPath"];
        if (string.IsNullOrWhiteSpace(modelPath))
            throw new ArgumentException("Service: no model path. Set DeepML:ModelPath in appsettings.json, pass --model model.zip, or train one with --train-adult model.zip.");
        return new ServingOptions
        {
            ModelPath = modelPath,
            Device = section["Device"] ?? defaults.Device,
            IntraOpThreads = section.GetValue("IntraOpThreads", defaults.IntraOpThreads),
            BatchWindow = TimeSpan.FromMilliseconds(section.GetValue("BatchWindowMs", defaults.BatchWindow.TotalMilliseconds)),
            MaxBatchRows = section.GetValue("MaxBatchRows", defaults.MaxBatchRows),
            MaxRowsPerRequest = section.GetValue("MaxRowsPerRequest", defaults.MaxRowsPerRequest),
            QueueCapacity = section.GetValue("QueueCapacity", defaults.QueueCapacity),
            MaxConcurrentBatches = section.GetValue("MaxConcurrentBatches", defaults.MaxConcurrentBatches),
            MaxRequestBodyBytes = section.GetValue("MaxRequestBodyBytes", defaults.MaxRequestBodyBytes),
            RequestTimeout = TimeSpan.FromMilliseconds(section.GetValue("RequestTimeoutMs", defaults.RequestTimeout.TotalMilliseconds)),
            WatchModelFile = section.GetValue("WatchModelFile", defaults.WatchModelFile),
            ReloadDebounce = TimeSpan.FromMilliseconds(section.GetValue("ReloadDebounceMs", defaults.ReloadDebounce.TotalMilliseconds)),
            PollInterval = TimeSpan.FromMilliseconds(section.GetValue("PollIntervalMs", defaults.PollInterval.TotalMilliseconds)),
            OutputColumns = section.GetSection("OutputColumns").Get<string[]>() is { Length: > 0 } columns ? columns : null,
        };
    }
}
