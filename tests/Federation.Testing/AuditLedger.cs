using Npgsql;

namespace Federation.Testing;

/// <summary>Reads the audit role's PostgreSQL database directly, to count what was recorded per aggregate.</summary>
public static class AuditLedger
{
    /// <summary>Number of audit entries per aggregate id for one event type (URN suffix, e.g. ":AccessRequestDrafted").</summary>
    public static async Task<Dictionary<string, int>> CountByAggregate(string connectionString, string eventTypeSuffix)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT aggregate_id, count(*) FROM audit_entries WHERE event_type LIKE '%' || @suffix GROUP BY aggregate_id", connection);
        command.Parameters.AddWithValue("suffix", eventTypeSuffix);
        var counts = new Dictionary<string, int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            counts[reader.GetString(0)] = (int)reader.GetInt64(1);
        return counts;
    }
}
