namespace Federation.ServiceDefaults.Persistence;

public enum StoreProvider
{
    /// <summary>Embedded default: a SQLite file per service under the data directory.</summary>
    Sqlite,

    /// <summary>Distributed mode: one PostgreSQL database per service.</summary>
    PostgreSql,
}
