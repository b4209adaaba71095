using System.Data;
using System.Data.Common;

namespace DeepML.Tuning;

/// <summary>
/// The storage logic both databases share: the same schema and the same SQL (named <c>@parameters</c>, standard
/// <c>INSERT … ON CONFLICT</c>); a dialect only says how to connect, how to begin a claim transaction that excludes
/// other claimers, and how to serialise schema creation. Every call opens a pooled connection of its own, so one
/// storage serves many threads.
/// </summary>
public abstract class SqlStudyStorage : IStudyStorage
{
    private bool _disposed;

    /// <inheritdoc />
    public abstract string Location { get; }

    /// <summary>A new open connection.</summary>
    protected abstract DbConnection Open();

    /// <summary>Begins a transaction in which the study's claims are serialised against every other worker.</summary>
    protected abstract DbTransaction BeginExclusive(DbConnection connection, string study);

    /// <summary>Begins the transaction that creates or checks the schema, serialised against other processes.</summary>
    protected abstract DbTransaction BeginSchema(DbConnection connection);

    /// <summary>Creates the schema (or checks its version); call once from the constructor of a dialect.</summary>
    protected void EnsureSchema()
    {
        using var connection = Open();
        using var tx = BeginSchema(connection);
        foreach (var statement in StudySchema.CreateStatements)
            Execute(connection, tx, statement);
        var version = Scalar(connection, tx, "SELECT MAX(version) FROM tuning_schema");
        if (version is null or DBNull)
            Execute(connection, tx, "INSERT INTO tuning_schema (version) VALUES (@v)", ("v", StudySchema.Version));
        else if (Convert.ToInt32(version) != StudySchema.Version)
            throw new InvalidOperationException($"{GetType().Name}: {Location} holds tuning schema version {version}; this DeepML.Tuning reads version {StudySchema.Version}. Use a DeepML.Tuning of that version or a new database.");
        tx.Commit();
    }

    /// <inheritdoc />
    public void OpenStudy(string study, StudyDirection direction, SearchSpace space)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var connection = Open();
        using var tx = BeginSchema(connection);
        using (var reader = Reader(connection, tx, "SELECT direction, space FROM tuning_studies WHERE name = @s", ("s", study)))
        {
            if (reader.Read())
            {
                var (storedDirection, storedSpace) = (reader.Row.GetString(0), reader.Row.GetString(1));
                if (storedSpace != space.Signature)
                    throw new InvalidOperationException($"Study '{study}' in {Location} was created with another search space.\n  stored: {storedSpace}\n  given:  {space.Signature}\nUse the stored space to resume it, or a new study name for the new space.");
                if (storedDirection != direction.ToString())
                    throw new InvalidOperationException($"Study '{study}' in {Location} was created to {storedDirection.ToLowerInvariant()}, not to {direction.ToString().ToLowerInvariant()}. Use the stored direction, or a new study name.");
                return;
            }
        }
        Execute(connection, tx, "INSERT INTO tuning_studies (name, direction, space, created_ms) VALUES (@s, @d, @p, @t)",
            ("s", study), ("d", direction.ToString()), ("p", space.Signature), ("t", Now()));
        tx.Commit();
    }

    /// <inheritdoc />
    public ClaimResult Claim(ClaimRequest request)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var connection = Open();
        using var tx = BeginExclusive(connection, request.Study);
        var now = Now();
        ReapDeadTrials(connection, tx, request, now);
        var waiting = Scalar(connection, tx, "SELECT MIN(number) FROM tuning_trials WHERE study = @s AND state = 'Waiting'", ("s", request.Study));
        int number;
        if (waiting is not null and not DBNull)
        {
            number = Convert.ToInt32(waiting);
            Execute(connection, tx, "UPDATE tuning_trials SET state = 'Running', worker = @w, heartbeat_ms = @t, started_ms = @t WHERE study = @s AND number = @n",
                ("w", request.Worker), ("t", now), ("s", request.Study), ("n", number));
        }
        else
        {
            var planned = Convert.ToInt64(Scalar(connection, tx, "SELECT COUNT(*) FROM tuning_trials WHERE study = @s AND retry_of IS NULL", ("s", request.Study)));
            if (request.MaxTrials is { } max && planned >= max)
            {
                var status = AnyRunning(connection, tx, request.Study) ? ClaimStatus.WaitForRunning : ClaimStatus.BudgetSpent;
                tx.Commit();   // keeps what the reaping changed
                return new ClaimResult(status, null);
            }
            number = Convert.ToInt32(Scalar(connection, tx, "SELECT COALESCE(MAX(number), -1) + 1 FROM tuning_trials WHERE study = @s", ("s", request.Study)));
            var history = LoadTrials(connection, tx, request.Study, request.Space);
            var parameters = request.Propose(history, number);
            if (parameters is null)
            {
                tx.Commit();
                return new ClaimResult(ClaimStatus.SamplerExhausted, null);
            }
            Execute(connection, tx, "INSERT INTO tuning_trials (study, number, state, params, worker, heartbeat_ms, started_ms) VALUES (@s, @n, 'Running', @p, @w, @t, @t)",
                ("s", request.Study), ("n", number), ("p", parameters.ToJson()), ("w", request.Worker), ("t", now));
        }
        var trial = LoadTrials(connection, tx, request.Study, request.Space).Single(t => t.Number == number);
        tx.Commit();
        return new ClaimResult(ClaimStatus.Claimed, trial);
    }

    /// <inheritdoc />
    public bool Heartbeat(string study, int number, string worker)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var connection = Open();
        return Execute(connection, null, "UPDATE tuning_trials SET heartbeat_ms = @t WHERE study = @s AND number = @n AND worker = @w AND state = 'Running'",
            ("t", Now()), ("s", study), ("n", number), ("w", worker)) == 1;
    }

    /// <inheritdoc />
    public bool Report(string study, int number, string worker, int step, double value)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        if (Execute(connection, tx, "UPDATE tuning_trials SET heartbeat_ms = @t WHERE study = @s AND number = @n AND worker = @w AND state = 'Running'",
                ("t", Now()), ("s", study), ("n", number), ("w", worker)) != 1)
            return false;
        Execute(connection, tx, "INSERT INTO tuning_intermediate_values (study, number, step, value) VALUES (@s, @n, @k, @v) "
            + "ON CONFLICT (study, number, step) DO UPDATE SET value = excluded.value", ("s", study), ("n", number), ("k", step), ("v", value));
        tx.Commit();
        return true;
    }

    /// <inheritdoc />
    public bool Finish(string study, int number, string worker, TrialState state, double? value, string? error)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var connection = Open();
        return Execute(connection, null, "UPDATE tuning_trials SET state = @st, value = @v, error = @e, finished_ms = @t WHERE study = @s AND number = @n AND worker = @w AND state = 'Running'",
            ("st", state.ToString()), ("v", value), ("e", error), ("t", Now()), ("s", study), ("n", number), ("w", worker)) == 1;
    }

    /// <inheritdoc />
    public IReadOnlyList<TrialRecord> LoadTrials(string study, SearchSpace space)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var connection = Open();
        return LoadTrials(connection, null, study, space);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> StudyNames()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var connection = Open();
        using var reader = Reader(connection, null, "SELECT name FROM tuning_studies ORDER BY name");
        var names = new List<string>();
        while (reader.Read())
            names.Add(reader.Row.GetString(0));
        return names;
    }

    private void ReapDeadTrials(DbConnection connection, DbTransaction tx, ClaimRequest request, long now)
    {
        var dead = new List<(int Number, string Params, bool IsRetry, string? Worker)>();
        using (var reader = Reader(connection, tx, "SELECT number, params, retry_of, worker FROM tuning_trials WHERE study = @s AND state = 'Running' AND heartbeat_ms < @limit",
                   ("s", request.Study), ("limit", now - (long)request.GracePeriod.TotalMilliseconds)))
            while (reader.Read())
                dead.Add((reader.Row.GetInt32(0), reader.Row.GetString(1), !reader.Row.IsDBNull(2), reader.Row.IsDBNull(3) ? null : reader.Row.GetString(3)));
        foreach (var (number, parameters, isRetry, worker) in dead)
        {
            Execute(connection, tx, "UPDATE tuning_trials SET state = 'Failed', finished_ms = @t, error = @e WHERE study = @s AND number = @n",
                ("t", now), ("e", $"worker '{worker}' stopped sending heartbeats for longer than the grace period ({request.GracePeriod.TotalSeconds:G} s); presumed dead{(isRetry ? "; a retry is not retried again" : "; its parameters are re-queued once")}"),
                ("s", request.Study), ("n", number));
            if (isRetry)
                continue;
            var next = Convert.ToInt32(Scalar(connection, tx, "SELECT COALESCE(MAX(number), -1) + 1 FROM tuning_trials WHERE study = @s", ("s", request.Study)));
            Execute(connection, tx, "INSERT INTO tuning_trials (study, number, state, params, retry_of) VALUES (@s, @n, 'Waiting', @p, @r)",
                ("s", request.Study), ("n", next), ("p", parameters), ("r", number));
        }
    }

    private static bool AnyRunning(DbConnection connection, DbTransaction tx, string study) =>
        Convert.ToInt64(Scalar(connection, tx, "SELECT COUNT(*) FROM tuning_trials WHERE study = @s AND state IN ('Running', 'Waiting')", ("s", study))) > 0;

    private static List<TrialRecord> LoadTrials(DbConnection connection, DbTransaction? tx, string study, SearchSpace space)
    {
        var curves = new Dictionary<int, List<KeyValuePair<int, double>>>();
        using (var reader = Reader(connection, tx, "SELECT number, step, value FROM tuning_intermediate_values WHERE study = @s ORDER BY number, step", ("s", study)))
            while (reader.Read())
            {
                var number = reader.Row.GetInt32(0);
                if (!curves.TryGetValue(number, out var curve))
                    curves[number] = curve = [];
                curve.Add(new(reader.Row.GetInt32(1), reader.Row.GetDouble(2)));
            }
        var trials = new List<TrialRecord>();
        using (var reader = Reader(connection, tx, "SELECT number, state, params, value, worker, started_ms, finished_ms, retry_of, error FROM tuning_trials WHERE study = @s ORDER BY number", ("s", study)))
            while (reader.Read())
            {
                var number = reader.Row.GetInt32(0);
                trials.Add(new TrialRecord(number, Enum.Parse<TrialState>(reader.Row.GetString(1)), ParameterSet.FromJson(space, reader.Row.GetString(2)),
                    reader.Row.IsDBNull(3) ? null : reader.Row.GetDouble(3), curves.TryGetValue(number, out var c) ? c : [],
                    reader.Row.IsDBNull(4) ? null : reader.Row.GetString(4), Time(reader.Row, 5), Time(reader.Row, 6),
                    reader.Row.IsDBNull(7) ? null : reader.Row.GetInt32(7), reader.Row.IsDBNull(8) ? null : reader.Row.GetString(8)));
            }
        return trials;
    }

    private static DateTime? Time(DbDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(column)).UtcDateTime;

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = "@" + name;
            p.Value = value ?? DBNull.Value;
            if (value is null)
                p.DbType = name is "v" ? DbType.Double : DbType.String;
            command.Parameters.Add(p);
        }
        return command;
    }

    /// <summary>Runs a statement; returns the rows affected.</summary>
    protected static int Execute(DbConnection connection, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, tx, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static object? Scalar(DbConnection connection, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, tx, sql, parameters);
        return command.ExecuteScalar();
    }

    private static Query Reader(DbConnection connection, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = Command(connection, tx, sql, parameters);
        try
        {
            return new Query(command, command.ExecuteReader(CommandBehavior.Default));
        }
        catch
        {
            command.Dispose();
            throw;
        }
    }

    /// <summary>A reader and the command it came from, disposed together.</summary>
    private sealed class Query(DbCommand command, DbDataReader reader) : IDisposable
    {
        public bool Read() => reader.Read();

        public DbDataReader Row => reader;

        public void Dispose()
        {
            reader.Dispose();
            command.Dispose();
        }
    }

    /// <summary>Releases what the dialect holds (pools, a kept-open in-memory connection).</summary>
    protected virtual void Dispose(bool disposing) => _disposed = true;

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }
}
