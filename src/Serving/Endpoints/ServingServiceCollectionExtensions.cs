using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DeepML.Serving;

/// <summary>Registers a served model: <c>builder.Services.AddDeepMLModel(options)</c>.</summary>
public static class ServingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the model host (loaded when the application starts, reloaded when the file changes),
    /// the micro-batcher, the metrics, ProblemDetails and the OpenAPI document. Map the endpoints with
    /// <see cref="ServingEndpointRouteBuilderExtensions.MapDeepMLPredictions"/>.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="options">The model file, device, batching and limits.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentException"><see cref="ServingOptions.ModelPath"/> is not set.</exception>
    public static IServiceCollection AddDeepMLModel(this IServiceCollection services, ServingOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ModelPath))
            throw new ArgumentException("ServingOptions: ModelPath is not set. Set it to the model zip written by ml.Model.Save (for example from configuration key DeepML:ModelPath).", nameof(options));
        services.AddSingleton(options);
        services.AddSingleton<ServingMetrics>();
        services.AddSingleton<ModelHost>();
        services.AddSingleton<MicroBatcher>();
        // The watcher first: its start loads the model before the batcher and the server start.
        services.AddSingleton<ModelFileWatcher>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ModelFileWatcher>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<MicroBatcher>());
        services.AddProblemDetails();
        services.AddOpenApi();
        return services;
    }
}
