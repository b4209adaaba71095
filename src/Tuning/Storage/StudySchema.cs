namespace DeepML.Tuning;

/// <summary>
/// The tables every study storage uses, identical in SQLite and PostgreSQL (types both understand: TEXT, INTEGER,
/// BIGINT, DOUBLE PRECISION; times are Unix milliseconds). <c>tuning_schema</c> holds one row with
/// <see cref="Version"/>; a database with another version is refused rather than misread.
/// </summary>
public static class StudySchema
{
    /// <summary>The schema version this code reads and writes.</summary>
    public const int Version = 1;

    /// <summary>The statements that create the schema (each idempotent).</summary>
    public static readonly IReadOnlyList<string> CreateStatements =
    [
        "CREATE TABLE IF NOT EXISTS tuning_schema (version INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS tuning_studies (name TEXT PRIMARY KEY, direction TEXT NOT NULL, space TEXT NOT NULL, created_ms BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS tuning_trials (study TEXT NOT NULL REFERENCES tuning_studies (name), number INTEGER NOT NULL, "
            + "state TEXT NOT NULL, params TEXT NOT NULL, value DOUBLE PRECISION, worker TEXT, heartbeat_ms BIGINT, started_ms BIGINT, "
            + "finished_ms BIGINT, retry_of INTEGER, error TEXT, PRIMARY KEY (study, number))",
        "CREATE INDEX IF NOT EXISTS tuning_trials_state ON tuning_trials (study, state)",
        "CREATE TABLE IF NOT EXISTS tuning_intermediate_values (study TEXT NOT NULL, number INTEGER NOT NULL, step INTEGER NOT NULL, "
            + "value DOUBLE PRECISION NOT NULL, PRIMARY KEY (study, number, step))",
    ];
}
