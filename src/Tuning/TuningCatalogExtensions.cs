using DeepML.Tuning;

namespace DeepML;

/// <summary>DeepML.Tuning's members of <c>ml.DeepML().Tuning</c>.</summary>
public static class TuningCatalogExtensions
{
    /// <summary>
    /// Opens or creates a study of <paramref name="space"/> with <paramref name="options"/>; the seed defaults to the
    /// MLContext's. Dispose it when done (it owns its storage only when <see cref="StudyOptions.Storage"/> is null).
    /// </summary>
    /// <example>
    /// <code>
    /// using var study = ml.DeepML().Tuning.CreateStudy(space, new StudyOptions
    /// {
    ///     Direction = StudyDirection.Maximize, MaxTrials = 50, Pruner = new SuccessiveHalvingPruner(),
    ///     Storage = new SqliteStudyStorage("study.db"),
    /// });
    /// var result = study.Optimize(p =&gt; baseOptions with { LearningRate = p.Float("learning_rate") },
    ///     (options, trial) =&gt; Evaluate(options.ForTrial(trial)));
    /// </code>
    /// </example>
    public static Study CreateStudy(this DeepMLCatalog.TuningCatalog catalog, SearchSpace space, StudyOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new Study(space, options, options.Seed ?? ContextSeed(catalog));
    }

    /// <summary>Opens the SQLite study database at <paramref name="path"/> (created when missing).</summary>
    public static SqliteStudyStorage SqliteStorage(this DeepMLCatalog.TuningCatalog catalog, string path)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new SqliteStudyStorage(path);
    }

    /// <summary>Connects to the PostgreSQL study database of <paramref name="connectionString"/> (schema created when missing).</summary>
    public static PostgresStudyStorage PostgresStorage(this DeepMLCatalog.TuningCatalog catalog, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new PostgresStudyStorage(connectionString);
    }

    // MLContext keeps its seed private; its generator, drawn once here, is the seed's one public consequence.
    private static int ContextSeed(DeepMLCatalog.TuningCatalog catalog) =>
        ((Microsoft.ML.Runtime.IHostEnvironment)catalog.Context).Register("DeepML.Tuning").Rand.Next();
}
