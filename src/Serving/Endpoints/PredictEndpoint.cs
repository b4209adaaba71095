using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace DeepML.Serving;

/// <summary>
/// <c>POST /predict</c>: reads the body (bounded by <see cref="ServingOptions.MaxRequestBodyBytes"/>),
/// validates it against the model's columns, waits for its micro-batch (bounded by
/// <see cref="ServingOptions.RequestTimeout"/> and the client's connection) and writes the scores with
/// the model version (also in the <c>X-Model-Version</c> header). Errors are ProblemDetails: 400
/// invalid rows, 413 body too large, 503 queue full (Retry-After) or no model, 504 timed out, 500 the
/// model failed on the rows.
/// </summary>
internal static class PredictEndpoint
{
    public const string VersionHeader = "X-Model-Version";

    public static async Task Handle(HttpContext context, ModelHost host, MicroBatcher batcher, ServingOptions options, ServingMetrics metrics)
    {
        var start = Stopwatch.GetTimestamp();
        var outcome = await Run(context, host, batcher, options).ConfigureAwait(false);
        metrics.Request(outcome, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    private static async Task<RequestOutcome> Run(HttpContext context, ModelHost host, MicroBatcher batcher, ServingOptions options)
    {
        var aborted = context.RequestAborted;
        byte[]? body;
        try
        {
            body = await ReadBody(context, options.MaxRequestBodyBytes, aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return RequestOutcome.Cancelled;
        }
        if (body is null)
            return await Problem(context, StatusCodes.Status413PayloadTooLarge, "The request body is too large.", RequestErrors.Format(RequestErrors.BodyTooLarge, options.MaxRequestBodyBytes), RequestOutcome.TooLarge).ConfigureAwait(false);
        if (host.Request is not { } schema)
            return await NotReady(context).ConfigureAwait(false);
        if (RequestParser.TryParse(body, schema, options.MaxRowsPerRequest, out var errors) is not { } rows)
            return await Problem(context, StatusCodes.Status400BadRequest, RequestErrors.InvalidTitle, errors[0], RequestOutcome.Invalid, errors).ConfigureAwait(false);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(options.RequestTimeout);
        ScoredRequest scored;
        try
        {
            scored = await batcher.Score(rows, timeout.Token).ConfigureAwait(false);
        }
        catch (QueueFullException e)
        {
            context.Response.Headers.RetryAfter = "1";
            return await Problem(context, StatusCodes.Status503ServiceUnavailable, "The service is at capacity.", e.Message, RequestOutcome.Rejected).ConfigureAwait(false);
        }
        catch (ModelNotReadyException)
        {
            return await NotReady(context).ConfigureAwait(false);
        }
        catch (ScoringFailedException e)
        {
            return await Problem(context, StatusCodes.Status500InternalServerError, "The model failed to score the request.", e.Message, RequestOutcome.Failed).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return RequestOutcome.Cancelled; // the client is gone: nothing to answer
        }
        catch (OperationCanceledException)
        {
            return await Problem(context, StatusCodes.Status504GatewayTimeout, "The request timed out.", RequestErrors.Format(RequestErrors.TimedOut, (long)options.RequestTimeout.TotalMilliseconds), RequestOutcome.TimedOut).ConfigureAwait(false);
        }

        var json = PredictionResponse.Write(scored);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = json.Length;
        context.Response.Headers[VersionHeader] = scored.Version.Tag;
        try
        {
            await context.Response.Body.WriteAsync(json, aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return RequestOutcome.Cancelled;
        }
        return RequestOutcome.Ok;
    }

    /// <summary>Reads the whole body, or returns null when it is longer than <paramref name="limit"/> bytes.</summary>
    private static async Task<byte[]?> ReadBody(HttpContext context, long limit, CancellationToken cancellationToken)
    {
        if (context.Request.ContentLength > limit)
            return null;
        // Kestrel enforces the limit too (and answers 413 itself past it); the count below covers servers that do not.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = limit;
        using var buffer = new MemoryStream(context.Request.ContentLength is { } length ? (int)Math.Min(length, limit) : 4096);
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                    return null;
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        return buffer.ToArray();
    }

    private static Task<RequestOutcome> NotReady(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "1";
        return Problem(context, StatusCodes.Status503ServiceUnavailable, "No model is loaded.", RequestErrors.NotReady, RequestOutcome.Rejected);
    }

    private static async Task<RequestOutcome> Problem(HttpContext context, int status, string title, string detail, RequestOutcome outcome, IReadOnlyList<string>? errors = null)
    {
        var extensions = errors is null ? null : new Dictionary<string, object?> { ["errors"] = errors };
        await Results.Problem(detail: detail, statusCode: status, title: title, extensions: extensions).ExecuteAsync(context).ConfigureAwait(false);
        return outcome;
    }
}
