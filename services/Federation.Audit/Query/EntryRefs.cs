using System.Text.Json;
using Federation.Audit.Data;
using Federation.Audit.Domain;
using Microsoft.EntityFrameworkCore;

namespace Federation.Audit.Query;

/// <summary>
/// Extracts what an entry is about from its payload's well-known field names, wherever they occur in the event
/// (top level, the request snapshot, a dataset description, a routing plan): so one event naming several datasets
/// or holders is found by each of them. The contracts serialise camelCase (JSON web defaults).
/// </summary>
public static class EntryRefs
{
    public const int MaxValueLength = 200;
    private const int MaxDepth = 8;

    public static IReadOnlyList<AuditEntryRef> Of(AuditEntry entry)
    {
        try
        {
            using var document = JsonDocument.Parse(entry.Payload);
            return Of(entry, document.RootElement);
        }
        catch (JsonException)
        {
            // A payload that is not JSON is still recorded (and hashed); it is only found by its actor.
            return Of(entry, default);
        }
    }

    /// <param name="root">The parsed payload (<c>default</c> when it is not JSON).</param>
    public static IReadOnlyList<AuditEntryRef> Of(AuditEntry entry, JsonElement root)
    {
        var found = new HashSet<(string Kind, string Value)> { (RefKinds.Party, entry.ActorSubject) };
        Walk(root, found, 0);
        return found.Where(r => r.Value.Length <= MaxValueLength)
            .Select(r => new AuditEntryRef { Kind = r.Kind, Value = r.Value, Sequence = entry.Sequence }).ToList();
    }

    private static void Walk(JsonElement element, HashSet<(string, string)> found, int depth)
    {
        if (depth > MaxDepth)
            return;
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
                Walk(item, found, depth + 1);
            return;
        }
        if (element.ValueKind != JsonValueKind.Object)
            return;
        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "datasetId" or "dataset" when value.ValueKind == JsonValueKind.String:
                    Add(found, RefKinds.Dataset, value);
                    continue;
                case "datasetIds" or "datasets" when value.ValueKind == JsonValueKind.Array:
                    foreach (var item in value.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String))
                        Add(found, RefKinds.Dataset, item);
                    break; // arrays of objects (snapshot datasets, count results) are walked below
                case "requestId":
                    Add(found, RefKinds.Request, value);
                    continue;
                case "taskId":
                    Add(found, RefKinds.Task, value);
                    continue;
                case "node":
                    Add(found, RefKinds.Node, value);
                    continue;
                case "dataHolder":
                    Add(found, RefKinds.Holder, value);
                    continue;
                case "applicant" or "owner" or "subject" or "accountId":
                    Add(found, RefKinds.Party, value);
                    continue;
                case "entries" when value.ValueKind == JsonValueKind.Array:
                    // A node's audit checkpoint carries many researchers' task parts: it is about the node, not about each
                    // of them (else every researcher named in it would see the others' parts in their own trail).
                    continue;
            }
            Walk(value, found, depth + 1);
        }
    }

    private static void Add(HashSet<(string, string)> found, string kind, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
            found.Add((kind, text));
    }

    /// <summary>
    /// Indexes entries recorded before refs existed (or by a release without them), a page at a time. Only chained
    /// entries are touched (the chain's start renumbers unchained ones). Returns how many entries it indexed.
    /// </summary>
    public static async Task<int> Backfill(AuditDbContext db, int page, CancellationToken cancellationToken)
    {
        var entries = await db.Entries.AsNoTracking().Where(e => e.Hash != "" && !db.EntryRefs.Any(r => r.Sequence == e.Sequence))
            .OrderBy(e => e.Sequence).Take(page).ToListAsync(cancellationToken);
        foreach (var entry in entries)
            db.EntryRefs.AddRange(Of(entry));
        await db.SaveChangesAsync(cancellationToken);
        return entries.Count;
    }
}
