using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Federation.NodeAgent.Data;

/// <summary>
/// Plain SQL on a node context's own connection, inside its current transaction when it has one (so what a statement
/// changes commits with the context's outbox rows, or with nothing). The node's hot reads and writes (counts,
/// descriptions, subject summaries, reconciliation) go through here rather than EF Core LINQ: every LINQ query shape
/// makes EF Core compile a query pipeline, and the JIT-compiled code and runtime type data of those pipelines were the
/// largest share of a node agent's memory (services/Federation.NodeAgent/README.md, "Memory"). The SQL is written
/// once for both stores (PostgreSQL and the embedded SQLite): parameters are named <c>@name</c>, table and column
/// names are the model's snake_case ones.
/// </summary>
internal static class IndexSql
{
    /// <summary>Reads every row of <paramref name="sql"/> through <paramref name="row"/>.</summary>
    public static async Task<List<T>> Read<T>(NodeAgentDbContext db, string sql, IEnumerable<(string Name, object Value)> parameters,
        Func<DbDataReader, T> row, CancellationToken cancellationToken)
    {
        await using var command = await Command(db, sql, parameters, cancellationToken);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(row(reader));
        return rows;
    }

    /// <summary>Runs a statement; returns the rows it changed.</summary>
    public static async Task<int> Execute(NodeAgentDbContext db, string sql, IEnumerable<(string Name, object Value)> parameters,
        CancellationToken cancellationToken)
    {
        await using var command = await Command(db, sql, parameters, cancellationToken);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// A parameter list <c>@{prefix}0, @{prefix}1, …</c> for an IN clause, and its parameters: the same text on both stores
    /// (SQLite has no arrays), bounded by the callers' chunk and page sizes.
    /// </summary>
    public static (string List, List<(string Name, object Value)> Parameters) In(string prefix, IReadOnlyList<string> values) =>
        (string.Join(", ", values.Select((_, i) => $"@{prefix}{i}")), values.Select((value, i) => ($"{prefix}{i}", (object)value)).ToList());

    // Integers come back as int4, int8 or numeric (PostgreSQL's sum of bigints) and as int64 from SQLite: converted, not cast.
    public static int? NullableInt(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Convert.ToInt32(reader.GetValue(ordinal));

    public static long Long(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? 0 : Convert.ToInt64(reader.GetValue(ordinal));

    private static async Task<DbCommand> Command(NodeAgentDbContext db, string sql, IEnumerable<(string Name, object Value)> parameters,
        CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken); // closed by the context when it is disposed
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
