namespace Federation.ServiceDefaults.Persistence;

/// <summary>
/// Every store keeps instants as UTC <see cref="DateTime"/> values whose kind it does not keep (SQLite text,
/// PostgreSQL <c>timestamp without time zone</c>): read back, they are UTC, and this says so.
/// </summary>
public static class StoredTime
{
    public static DateTimeOffset AsUtc(this DateTime stored) => new(DateTime.SpecifyKind(stored, DateTimeKind.Utc));

    public static DateTimeOffset? AsUtc(this DateTime? stored) => stored is { } value ? value.AsUtc() : null;
}
