using Npgsql;

namespace Federation.ServiceDefaults.Persistence;

/// <summary>
/// Which replica of a service relays its outbox: the one holding a PostgreSQL session advisory lock on
/// a connection of its own. If that connection breaks, PostgreSQL releases the lock and another
/// replica takes over; two relays overlapping for a moment only republish rows, which inboxes absorb.
/// SQLite is single-process, so there every process leads.
/// </summary>
internal sealed class RelayLeadership(string? postgresConnectionString, long lockKey)
{
    private NpgsqlConnection? held;

    public async ValueTask<bool> TryHold(CancellationToken cancellationToken)
    {
        if (postgresConnectionString is null)
            return true;
        if (held is not null)
        {
            if (held.FullState == System.Data.ConnectionState.Open)
                return true;
            await Release(); // the session died (database restarted): the lock went with it
        }
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgresConnectionString)
        {
            // Its own physical connection: a pooled one would hand the lock to whoever reuses it.
            Pooling = false,
            ApplicationName = "federation-outbox-relay",
            KeepAlive = 5,
        }.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"SELECT pg_try_advisory_lock({lockKey})", connection);
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                held = connection;
                return true;
            }
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return false;
    }

    public async ValueTask Release()
    {
        var connection = Interlocked.Exchange(ref held, null);
        if (connection is not null)
            await connection.DisposeAsync(); // closing the session releases the lock
    }
}
