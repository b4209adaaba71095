using System.Data.Common;
using Npgsql;

namespace DeepML.Tuning;

/// <summary>
/// Studies in a PostgreSQL database (Npgsql), for workers on many machines; same schema as
/// <see cref="SqliteStudyStorage"/>. A claim takes a transaction-scoped advisory lock on the study's name
/// (<c>pg_advisory_xact_lock</c>), so claims of one study are serialised while other studies proceed; schema creation
/// takes another. Owns a pooled <see cref="NpgsqlDataSource"/>, released on <see cref="IDisposable.Dispose"/>.
/// </summary>
public sealed class PostgresStudyStorage : SqlStudyStorage
{
    private const long SchemaLockKey = 0x5475_6E69_6E67; // "Tuning"
    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Connects with <paramref name="connectionString"/> and creates the schema when missing.</summary>
    /// <param name="connectionString">An Npgsql connection string (Host, Port, Username, Password, Database).</param>
    /// <exception cref="InvalidOperationException">The server cannot be reached or refuses the login; the message names the server without the password.</exception>
    public PostgresStudyStorage(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new ArgumentException("PostgresStudyStorage: connectionString must be an Npgsql connection string (Host=...;Username=...;Password=...;Database=...), got a blank one.", nameof(connectionString));
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"PostgresStudyStorage: connectionString is not a valid Npgsql connection string: {e.Message}", nameof(connectionString), e);
        }
        Location = $"PostgreSQL 'Host={builder.Host};Port={builder.Port};Database={builder.Database};Username={builder.Username}'";
        _dataSource = NpgsqlDataSource.Create(builder);
        try
        {
            EnsureSchema();
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            _dataSource.Dispose();
            throw new InvalidOperationException($"PostgresStudyStorage: cannot open the study database {Location}: {e.Message}. Check that the server runs, the role and database exist and the password is right.", e);
        }
    }

    /// <inheritdoc />
    public override string Location { get; }

    /// <inheritdoc />
    protected override DbConnection Open() => _dataSource.OpenConnection();

    /// <inheritdoc />
    protected override DbTransaction BeginExclusive(DbConnection connection, string study)
    {
        var tx = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT pg_advisory_xact_lock(hashtext(@s))";
        command.Parameters.Add(new NpgsqlParameter("@s", study));
        command.ExecuteNonQuery();
        return tx;
    }

    /// <inheritdoc />
    protected override DbTransaction BeginSchema(DbConnection connection)
    {
        var tx = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = $"SELECT pg_advisory_xact_lock({SchemaLockKey})";
        command.ExecuteNonQuery();
        return tx;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _dataSource.Dispose();
        base.Dispose(disposing);
    }
}
