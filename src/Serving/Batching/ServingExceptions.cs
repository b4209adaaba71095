namespace DeepML.Serving;

/// <summary>The batcher's queue is full; the endpoint answers 503 with Retry-After.</summary>
public sealed class QueueFullException : Exception
{
    /// <summary>An exception for a queue of <paramref name="capacity"/> requests.</summary>
    public QueueFullException(int capacity)
        : base(RequestErrors.Format(RequestErrors.QueueFull, capacity)) => Capacity = capacity;

    /// <summary>The queue's capacity, in requests.</summary>
    public int Capacity { get; }
}

/// <summary>No model is loaded; the endpoint answers 503.</summary>
public sealed class ModelNotReadyException : Exception
{
    /// <summary>The exception with <see cref="RequestErrors.NotReady"/>.</summary>
    public ModelNotReadyException()
        : base(RequestErrors.NotReady)
    {
    }
}

/// <summary>The model threw while scoring one request's rows; the endpoint answers 500 naming the reason.</summary>
public sealed class ScoringFailedException : Exception
{
    /// <summary>Wraps what the model threw; the message names the innermost exception (ML.NET wraps errors of its worker threads).</summary>
    public ScoringFailedException(Exception inner)
        : base(RequestErrors.Format(RequestErrors.ScoringFailed, $"{inner?.GetBaseException().GetType().Name}: {inner?.GetBaseException().Message}"), inner)
    {
    }
}
