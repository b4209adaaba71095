using System.Globalization;

namespace DeepML.Serving;

/// <summary>
/// The messages a bad prediction request gets back (the ProblemDetails <c>detail</c> and <c>errors</c>),
/// kept in one place so that tests can assert them word for word. Each says what was wrong, what was
/// expected and how to fix it. Rows are numbered from 0.
/// </summary>
public static class RequestErrors
{
    /// <summary>The ProblemDetails title of a 400.</summary>
    public const string InvalidTitle = "The prediction request is not valid.";

    /// <summary>The body does not parse as JSON; {0} is the parser's reason.</summary>
    public const string NotJson = "The request body is not valid JSON ({0}). Send a JSON object whose properties are the model's input columns, or an array of such objects.";

    /// <summary>The body is JSON but neither an object nor an array; {0} is its kind.</summary>
    public const string WrongShape = "The request body is a JSON {0}. Expected a JSON object (one row) or an array of JSON objects (several rows).";

    /// <summary>An empty array.</summary>
    public const string NoRows = "The request holds no rows. Send at least one JSON object.";

    /// <summary>{0} rows sent, {1} allowed.</summary>
    public const string TooManyRows = "The request holds {0} rows; at most {1} are accepted per request. Split the rows over several requests.";

    /// <summary>Row {0} is a JSON {1}.</summary>
    public const string RowNotObject = "Row {0} is a JSON {1}. Expected a JSON object whose properties are the input columns.";

    /// <summary>Row {0} lacks column {1}; {2} lists the expected columns.</summary>
    public const string MissingColumn = "Row {0} has no column '{1}'. Expected columns: {2}.";

    /// <summary>Row {0} lacks several columns, listed in {1}; {2} lists the expected columns.</summary>
    public const string MissingColumns = "Row {0} has no columns {1}. Expected columns: {2}.";

    /// <summary>Row {0} has column {1} the model does not take; {2} lists the expected columns.</summary>
    public const string UnknownColumn = "Row {0} has a column '{1}' that the model does not take. Expected columns: {2}.";

    /// <summary>Row {0}, column {1}: expected type {2} (a JSON {3}), got a JSON {4}.</summary>
    public const string WrongType = "Row {0}, column '{1}': expected {2} (a JSON {3}), got a JSON {4}.";

    /// <summary>Row {0}, column {1}: the number {2} does not fit {3}.</summary>
    public const string OutOfRange = "Row {0}, column '{1}': {2} does not fit in {3}.";

    /// <summary>Row {0}, column {1}: a vector of {2} needed, {3} sent.</summary>
    public const string WrongLength = "Row {0}, column '{1}': expected a JSON array of {2} values ({3}), got {4}.";

    /// <summary>The body is larger than the limit; {0} is the limit.</summary>
    public const string BodyTooLarge = "The request body is larger than {0} bytes, the most this service accepts. Send fewer rows per request.";

    /// <summary>The queue is full.</summary>
    public const string QueueFull = "The service is at capacity: {0} requests are already waiting to be scored. Retry after the time in the Retry-After header, or add replicas.";

    /// <summary>The request timed out; {0} is the timeout in milliseconds.</summary>
    public const string TimedOut = "The request was not scored within {0} ms. Retry, send fewer rows, or raise the service's RequestTimeout.";

    /// <summary>Scoring failed; {0} is the reason.</summary>
    public const string ScoringFailed = "The model failed to score this request ({0}). The rows were valid JSON for the model's columns; check the values, or the service log.";

    /// <summary>No model is loaded yet.</summary>
    public const string NotReady = "No model is loaded yet. Wait until /ready answers 200.";

    /// <summary>How many row errors one 400 lists at most.</summary>
    public const int MaxListed = 20;

    internal static string Format(string template, params object[] args) => string.Format(CultureInfo.InvariantCulture, template, args);
}
