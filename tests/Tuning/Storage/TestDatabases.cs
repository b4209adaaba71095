namespace DeepML.Tuning.Tests.Storage;

/// <summary>The databases the storage tests run against: a fresh SQLite file, and the PostgreSQL server .ci/run starts.</summary>
internal static class TestDatabases
{
    /// <summary>The environment variable with the test server's Npgsql connection string.</summary>
    public const string PostgresVariable = "DEEPML_TEST_POSTGRES";

    /// <summary>The test server's connection string; skips the test, saying why, when it is not configured.</summary>
    public static string PostgresConnectionString()
    {
        var value = Environment.GetEnvironmentVariable(PostgresVariable);
        ContractSkip.IfOptedOut(string.IsNullOrWhiteSpace(value)
            ? $"{PostgresVariable} is not set: these tests need a real PostgreSQL server. .ci/run installs and starts one (Debian's postgresql) and sets it; locally export {PostgresVariable}=\"Host=127.0.0.1;Username=...;Password=...;Database=...\"."
            : null, "PostgreSQL storage");
        return value!;
    }

    /// <summary>A path for a new SQLite file in a fresh temporary folder (deleted with <see cref="Cleanup"/>).</summary>
    public static string SqlitePath() => Path.Combine(Directory.CreateTempSubdirectory("deepml-tuning-").FullName, "study.db");

    /// <summary>Deletes the folder of a <see cref="SqlitePath"/>.</summary>
    public static void Cleanup(string sqlitePath)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(sqlitePath)!, recursive: true);
    }

    /// <summary>A study name no earlier run used (the PostgreSQL database outlives test runs).</summary>
    public static string UniqueStudy(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
