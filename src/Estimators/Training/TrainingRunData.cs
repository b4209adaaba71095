namespace DeepML;

/// <summary>
/// A run's rows as the trainer hands them to the loop: read into memory (<see cref="TrainingData"/>) or streamed
/// (<see cref="StreamedTrainingRows"/>), with their validation rows.
/// </summary>
internal sealed class TrainingRunData
{
    private readonly TrainingData? _train;
    private readonly TrainingData? _validation;

    /// <summary>Rows read into memory; <paramref name="rowsRead"/> were read before the validation split.</summary>
    public TrainingRunData(TrainingData train, TrainingData? validation, int rowsRead)
    {
        _train = train;
        _validation = validation;
        Rows = new InMemoryTrainingRows(train);
        Validation = validation is null ? null : new InMemoryValidationRows(validation);
        RowsRead = rowsRead;
        ValidationRows = validation?.Rows ?? 0;
    }

    /// <summary>Streamed rows.</summary>
    public TrainingRunData(StreamedTrainingRows train, IValidationRows? validation)
    {
        Streamed = train;
        Rows = train;
        Validation = validation;
        RowsRead = train.RowsBefore;
        ValidationRows = validation switch
        {
            InMemoryValidationRows v => v.Rows,
            StreamedValidationRows v => v.Labels.Rows,
            _ => 0,
        };
    }

    public ITrainingRows Rows { get; private init; }

    public IValidationRows? Validation { get; private init; }

    /// <summary>Rows in the training data view (before the validation split).</summary>
    public int RowsRead { get; }

    public int ValidationRows { get; }

    /// <summary>The streamed source, or null in memory.</summary>
    public StreamedTrainingRows? Streamed { get; }

    /// <summary>Every training row in memory, in the in-memory path's order: the rows read, or a streamed buffer that holds them all; else null.</summary>
    public TrainingData? WholeTraining => _train ?? (Streamed is { HoldsAll: true } s ? s.Buffered : null);

    /// <summary>Regression's label standardisation over the training rows.</summary>
    public LabelScale Scale() => _train is not null ? LabelScale.Of(_train) : Streamed!.Scale();

    /// <summary>The same rows with standardised targets (in memory: new sets; streamed: standardised in place and as they are read).</summary>
    public TrainingRunData Standardize(LabelScale scale)
    {
        if (_train is not null)
            return new TrainingRunData(scale.Standardize(_train), _validation is null ? null : scale.Standardize(_validation), RowsRead);
        Streamed!.Standardize(scale);
        if (Validation is StreamedValidationRows streamedValidation)
            streamedValidation.Standardize(scale);
        else if (Validation is InMemoryValidationRows { Data: var held } && !ReferenceEquals(held, Streamed.HeldValidation))
            return new TrainingRunData(Streamed, new InMemoryValidationRows(scale.Standardize(held)));
        return this;
    }
}
