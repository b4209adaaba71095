using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace DeepML.Tuning;

/// <summary>
/// Studies in one SQLite file (Microsoft.Data.Sqlite), the embedded default: any number of threads and processes on
/// one machine share a study through the file. The file is put in WAL mode (readers do not block the writer); a claim
/// is a <c>BEGIN IMMEDIATE</c> transaction, so claims are serialised; a busy database is retried for
/// <see cref="BusyTimeout"/>. For several machines use <see cref="PostgresStudyStorage"/> (a file on a network share
/// does not give SQLite's locking guarantees).
/// </summary>
public sealed class SqliteStudyStorage : SqlStudyStorage
{
    private readonly string _connectionString;

    /// <summary>Opens (creating when missing) the study database at <paramref name="path"/>.</summary>
    /// <param name="path">The database file; its folder must exist.</param>
    /// <exception cref="InvalidOperationException">The file cannot be opened or created, or holds another schema version.</exception>
    public SqliteStudyStorage(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new ArgumentException("SqliteStudyStorage: path must be a file path, got a blank one.", nameof(path));
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
        try
        {
            using (var connection = Open())
                Execute(connection, null, "PRAGMA journal_mode = WAL");
            EnsureSchema();
        }
        catch (SqliteException e)
        {
            throw new InvalidOperationException($"SqliteStudyStorage: cannot open the study database '{Path}': {e.Message}. Check that the folder exists and is writable, and that the file is a SQLite database.", e);
        }
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>How long a statement waits for a busy database before it fails.</summary>
    public static TimeSpan BusyTimeout { get; } = TimeSpan.FromSeconds(60);

    /// <inheritdoc />
    public override string Location => $"SQLite '{Path}'";

    /// <inheritdoc />
    protected override DbConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    // Microsoft.Data.Sqlite begins a Serializable, non-deferred transaction with BEGIN IMMEDIATE: the write lock is
    // taken at once, so two claimers cannot both read the history and then insert the same number.
    /// <inheritdoc />
    protected override DbTransaction BeginExclusive(DbConnection connection, string study) => ((SqliteConnection)connection).BeginTransaction(deferred: false);

    /// <inheritdoc />
    protected override DbTransaction BeginSchema(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        base.Dispose(disposing);
    }
}
