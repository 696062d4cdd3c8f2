using Federation.NodeAgent.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using NpgsqlTypes;

namespace Federation.NodeAgent.Indexing;

/// <summary>
/// Adds new image rows in the caller's transaction. On PostgreSQL a reconciliation page goes in by binary COPY:
/// EF Core's insert pipeline allocates about 15 KB per row (change tracking, one command and a dozen parameters
/// per row, the batch's SQL text), which at millions of rows kept the node's garbage collector busy and its
/// memory high; COPY streams the rows with almost nothing allocated, several times faster. SQLite (the embedded
/// demo, thousands of rows) keeps EF Core.
/// </summary>
internal static class IndexRows
{
    public static async Task Insert(NodeAgentDbContext db, IReadOnlyList<IndexedInstance> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
            return;
        if (!db.Database.IsNpgsql())
        {
            db.Instances.AddRange(rows);
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        var connection = (NpgsqlConnection)db.Database.GetDbConnection(); // open, in the caller's transaction
        await using var import = await connection.BeginBinaryImportAsync(CopyCommand(db), cancellationToken);
        foreach (var row in rows)
        {
            await import.StartRowAsync(cancellationToken);
            await import.WriteAsync(row.InstanceId, NpgsqlDbType.Varchar, cancellationToken);
            await WriteNullable(import, row.Collection, cancellationToken);
            await import.WriteAsync(row.PatientId, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(row.StudyUid, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(row.SeriesUid, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(row.Modality, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(row.BodyPart, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(row.Sex, NpgsqlDbType.Varchar, cancellationToken);
            await WriteNullable(import, row.BirthYear, cancellationToken);
            await WriteNullable(import, row.StudyYear, cancellationToken);
            await import.WriteAsync(row.SizeBytes, NpgsqlDbType.Bigint, cancellationToken);
            await import.WriteAsync(row.Pass, NpgsqlDbType.Bigint, cancellationToken);
        }
        await import.CompleteAsync(cancellationToken);
    }

    private static async Task WriteNullable(NpgsqlBinaryImporter import, string? value, CancellationToken cancellationToken)
    {
        if (value is null)
            await import.WriteNullAsync(cancellationToken);
        else
            await import.WriteAsync(value, NpgsqlDbType.Varchar, cancellationToken);
    }

    private static async Task WriteNullable(NpgsqlBinaryImporter import, int? value, CancellationToken cancellationToken)
    {
        if (value is { } number)
            await import.WriteAsync(number, NpgsqlDbType.Integer, cancellationToken);
        else
            await import.WriteNullAsync(cancellationToken);
    }

    // Table and column names from the model (the naming convention decides them), in the order the rows are written.
    private static string CopyCommand(NodeAgentDbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(IndexedInstance))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        string Column(string property) => $"\"{entity.FindProperty(property)!.GetColumnName(table)}\"";
        string[] columns =
        [
            Column(nameof(IndexedInstance.InstanceId)), Column(nameof(IndexedInstance.Collection)), Column(nameof(IndexedInstance.PatientId)),
            Column(nameof(IndexedInstance.StudyUid)), Column(nameof(IndexedInstance.SeriesUid)), Column(nameof(IndexedInstance.Modality)),
            Column(nameof(IndexedInstance.BodyPart)), Column(nameof(IndexedInstance.Sex)), Column(nameof(IndexedInstance.BirthYear)),
            Column(nameof(IndexedInstance.StudyYear)), Column(nameof(IndexedInstance.SizeBytes)), Column(nameof(IndexedInstance.Pass)),
        ];
        return $"COPY \"{table.Name}\" ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)";
    }
}
