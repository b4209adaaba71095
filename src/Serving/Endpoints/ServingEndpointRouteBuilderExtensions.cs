using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace DeepML.Serving;

/// <summary>Maps the service's endpoints: <c>app.MapDeepMLPredictions()</c>.</summary>
public static class ServingEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST /predict</c> (one JSON object or an array of them; see <see cref="PredictionResponse"/>),
    /// <c>GET /model</c> (version and columns), <c>GET /health</c> (the process is alive), <c>GET /ready</c>
    /// (200 once a model is loaded, else 503), <c>GET /metrics</c> (Prometheus text 0.0.4) and the OpenAPI
    /// document at <c>/openapi/v1.json</c>. Needs <see cref="ServingServiceCollectionExtensions.AddDeepMLModel"/>.
    /// </summary>
    /// <param name="endpoints">The application.</param>
    /// <returns><paramref name="endpoints"/>.</returns>
    public static IEndpointRouteBuilder MapDeepMLPredictions(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost("/predict", PredictEndpoint.Handle)
            .WithName("Predict")
            .WithSummary("Scores one row (a JSON object) or several (an array of objects) with the serving model.")
            .WithDescription("Each object's properties are the model's input columns (GET /model lists them). Requests arriving within the batch window are scored together in one ONNX Runtime run; every prediction in a response comes from the one model version it names.")
            .Accepts<JsonElement>("application/json")
            .Produces<PredictionResponse>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status500InternalServerError)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        endpoints.MapGet("/model", (ModelHost host) => host.Request is { } request && host.Version is { } version
                ? Results.Ok(new ModelDescription(version.Tag, version.Number, version.Hash, request.Columns.Select(c => new ColumnDescription(c.Name, c.TypeName)).ToArray()))
                : Results.Problem(detail: RequestErrors.NotReady, statusCode: StatusCodes.Status503ServiceUnavailable, title: "No model is loaded."))
            .WithName("Model").WithSummary("The serving model's version and the columns a request sends.")
            .Produces<ModelDescription>().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        endpoints.MapGet("/health", () => Results.Ok(new ProbeStatus("alive", null)))
            .WithName("Health").WithSummary("Liveness: 200 while the process serves HTTP.").Produces<ProbeStatus>();
        endpoints.MapGet("/ready", (ModelHost host) => host.Version is { } version
                ? Results.Ok(new ProbeStatus("ready", version.Tag))
                : Results.Json(new ProbeStatus("not ready", null), statusCode: StatusCodes.Status503ServiceUnavailable))
            .WithName("Ready").WithSummary("Readiness: 200 once a model is loaded, else 503.")
            .Produces<ProbeStatus>().Produces<ProbeStatus>(StatusCodes.Status503ServiceUnavailable);
        endpoints.MapGet("/metrics", (ServingMetrics metrics) => Results.Text(metrics.ToPrometheusText(), PrometheusText.ContentType))
            .WithName("Metrics").WithSummary("Prometheus metrics, text format 0.0.4.").Produces<string>(contentType: "text/plain");
        endpoints.MapOpenApi();
        return endpoints;
    }
}

/// <summary>The body of <c>/health</c> and <c>/ready</c>.</summary>
/// <param name="Status"><c>alive</c>, <c>ready</c> or <c>not ready</c>.</param>
/// <param name="ModelVersion">The serving version's tag, on <c>/ready</c>.</param>
public sealed record ProbeStatus(string Status, string? ModelVersion);

/// <summary>The body of <c>/model</c>.</summary>
/// <param name="ModelVersion">The version tag.</param>
/// <param name="LoadNumber">The load number.</param>
/// <param name="Hash">The content hash.</param>
/// <param name="Columns">The columns a request sends.</param>
public sealed record ModelDescription(string ModelVersion, int LoadNumber, string Hash, IReadOnlyList<ColumnDescription> Columns);

/// <summary>One request column in <c>/model</c>.</summary>
/// <param name="Name">The JSON property name.</param>
/// <param name="Type">The type: Single, Double, Int32, Int64, Boolean, String or Vector&lt;T, N&gt;.</param>
public sealed record ColumnDescription(string Name, string Type);
