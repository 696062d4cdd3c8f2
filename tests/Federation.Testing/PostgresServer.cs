using Npgsql;

namespace Federation.Testing;

/// <summary>A private PostgreSQL cluster on a free loopback port (scripts/postgres.sh), fsync on.</summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private PostgresServer(IReadOnlyDictionary<string, string> values) => Apply(values);

    public string Directory { get; private set; } = "";

    public int Port { get; private set; }

    /// <summary>Server connection string without a database.</summary>
    public string ConnectionString { get; private set; } = "";

    public static async Task<PostgresServer> Start() => new(await InfraScript.Run("postgres.sh", "start"));

    /// <summary>The connection string of one service's database (created by the service's migrator).</summary>
    public string ForDatabase(string database) => new NpgsqlConnectionStringBuilder(ConnectionString) { Database = database }.ConnectionString;

    /// <summary>Fast shutdown and start again, same port and data.</summary>
    public async Task Restart() => Apply(await InfraScript.Run("postgres.sh", "restart", Directory));

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await InfraScript.Run("postgres.sh", "stop", Directory);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private void Apply(IReadOnlyDictionary<string, string> values)
    {
        Directory = values["POSTGRES_DIR"];
        Port = int.Parse(values["POSTGRES_PORT"]);
        ConnectionString = values["POSTGRES_CONNECTION"];
    }
}
