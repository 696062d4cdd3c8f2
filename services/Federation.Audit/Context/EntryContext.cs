using System.Text.Json;
using Federation.Audit.Chain;
using Federation.Audit.Data;
using Federation.Audit.Domain;
using Federation.Audit.Query;
using Microsoft.EntityFrameworkCore;

namespace Federation.Audit.Context;

/// <summary>
/// Gives a new entry its context before it is hashed: what the event states (<see cref="EntryFacts"/>), and why it
/// happened where the event does not say so itself. An entitlement event names its request, whose purpose the trail
/// recorded earlier; a task names neither purpose nor entitlement, so the entitlements its owner held on its datasets
/// when it was submitted (as the trail knows them) and those requests' purposes are its grounds, and every later
/// event of the task (routing, a node's part, its end) carries them. Runs inside the group commit, after the chain
/// head is locked; looks at what earlier units of the batch added before it asks the store (<c>FindAsync</c>, <c>Local</c>).
/// </summary>
public static class EntryContext
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="root">The parsed payload (<c>default</c> when it is not JSON).</param>
    public static async Task Fill(AuditDbContext db, AuditEntry entry, JsonElement root, CancellationToken cancellationToken)
    {
        Apply(EntryFacts.Of(entry, root), entry);
        if (root.ValueKind != JsonValueKind.Object)
            return;
        var name = FhirAuditEvents.ShortName(entry.EventType);
        if ((EntryFacts.Text(root, "requestId") ?? EntryFacts.Text(EntryFacts.Object(root, "request"), "requestId")) is { } requestId)
        {
            await Purpose(db, entry, root, requestId, cancellationToken);
            if (name.StartsWith("Entitlement", StringComparison.Ordinal))
                await Entitlement(db, name, root, requestId, cancellationToken);
        }
        if (FhirAuditEvents.Category(entry.EventType) == "compute" && EntryFacts.Text(root, "taskId") is { } taskId)
            await Task(db, entry, name, root, taskId, cancellationToken);
    }

    /// <summary>
    /// An entry as read, with its context: stored for form 2; for form 1 (recorded before the context existed, so not
    /// hashed with it) derived from its payload, without what only the lookups at append time could add.
    /// </summary>
    public static AuditEntry Read(AuditEntry entry)
    {
        if (entry.Format == 1)
            Apply(EntryFacts.Of(entry), entry);
        return entry;
    }

    private static void Apply(EntryFacts facts, AuditEntry entry)
    {
        // Capped to the columns' lengths here, before hashing, so the stored value is the hashed one.
        entry.ActorClient = Cap(facts.Client, 200);
        entry.Service = Cap(facts.Service, 80)!;
        entry.Node = Cap(facts.Node, 200);
        entry.Purpose = facts.Purpose;
        entry.PurposeCodes = Cap(facts.PurposeCodes, 1000);
        entry.Entitlements = Cap(facts.Entitlement, 2000);
        entry.Outcome = facts.Outcome;
        entry.OutcomeDetail = facts.OutcomeDetail;
        entry.ContentHash = facts.ContentHash;
    }

    private static string? Cap(string? text, int length) => text is not null && text.Length > length ? text[..length] : text;

    /// <summary>
    /// An event that names a request without stating its purpose (a consent check, an entitlement) takes the purpose the
    /// trail last recorded for that request: from this batch's entries not yet saved, else from the store. Events that
    /// carry the request's snapshot state its purpose themselves (or that it has none), so most cost no lookup.
    /// </summary>
    private static async Task Purpose(AuditDbContext db, AuditEntry entry, JsonElement root, string requestId, CancellationToken cancellationToken)
    {
        if (entry.Purpose is not null || entry.PurposeCodes is not null || EntryFacts.Object(root, "request").ValueKind == JsonValueKind.Object)
            return;
        var unsaved = AuditChain.Tracked(db, db.EntryRefs).Where(r => r.Kind == RefKinds.Request && r.Value == requestId).Select(r => r.Sequence).ToHashSet();
        var stated = AuditChain.Tracked(db, db.Entries).Where(e => unsaved.Contains(e.Sequence) && (e.Purpose is not null || e.PurposeCodes is not null))
            .OrderByDescending(e => e.Sequence).Select(e => (e.Purpose, e.PurposeCodes)).FirstOrDefault();
        if (stated == default)
            stated = await db.Entries.AsNoTracking()
                .Where(e => db.EntryRefs.Any(r => r.Kind == RefKinds.Request && r.Value == requestId && r.Sequence == e.Sequence)
                            && (e.Purpose != null || e.PurposeCodes != null))
                .OrderByDescending(e => e.Sequence).Select(e => new ValueTuple<string?, string?>(e.Purpose, e.PurposeCodes))
                .FirstOrDefaultAsync(cancellationToken);
        (entry.Purpose, entry.PurposeCodes) = stated;
    }

    /// <summary>Which entitlement a researcher holds on a dataset, for the tasks they submit later.</summary>
    private static async Task Entitlement(AuditDbContext db, string name, JsonElement root, string requestId, CancellationToken cancellationToken)
    {
        if ((EntryFacts.Text(root, "entitlementId"), EntryFacts.Text(root, "subject"), EntryFacts.Text(root, "datasetId")) is not
            ({ } entitlementId, { } subject, { } dataset))
            return;
        var held = await db.HeldEntitlements.FindAsync([subject, dataset], cancellationToken);
        if (name == "EntitlementGranted")
        {
            if (held is null)
                db.HeldEntitlements.Add(held = new HeldEntitlement { Subject = subject, DatasetId = dataset });
            (held.EntitlementId, held.RequestId, held.Active) = (entitlementId, requestId, true);
        }
        else if (held is not null && held.EntitlementId == entitlementId)
            held.Active = false; // revoked or expired: tasks submitted from now on do not run under it
    }

    private static async Task Task(AuditDbContext db, AuditEntry entry, string name, JsonElement root, string taskId, CancellationToken cancellationToken)
    {
        var grounds = await db.TaskGrounds.FindAsync([taskId], cancellationToken);
        if (grounds is null)
        {
            // Fixed when the task is submitted (or, if that event came late, when it is routed): what held then.
            var owner = EntryFacts.Text(root, "owner");
            var datasets = name switch
            {
                "TaskSubmitted" => EntryFacts.Strings(root, "datasets"),
                "TaskRouted" => root.TryGetProperty("plan", out var plan) && plan.ValueKind == JsonValueKind.Array
                    ? plan.EnumerateArray().Select(p => EntryFacts.Text(p, "dataset")).OfType<string>().Distinct().ToList() : null,
                _ => null,
            };
            if (owner is null || datasets is null)
                return;
            grounds = await Ground(db, taskId, owner, datasets, cancellationToken);
            db.TaskGrounds.Add(grounds);
        }

        var grants = JsonSerializer.Deserialize<List<TaskGrant>>(grounds.Grants, Json) ?? [];
        // A node's part ran on one dataset: only that dataset's entitlement is its ground.
        if (name is "TaskPartFinished" or "TaskPartHeld" && EntryFacts.Text(root, "dataset") is { } partDataset)
            grants = grants.Where(g => g.Dataset == partDataset).ToList();
        var entitlements = grants.Select(g => g.Entitlement).OfType<string>().Distinct().ToList();
        entry.Entitlements = entitlements.Count > 0 ? Cap(string.Join(' ', entitlements), 2000) : null;
        entry.Purpose ??= grounds.Purpose;
        entry.PurposeCodes ??= grounds.PurposeCodes;
    }

    private static async Task<TaskGrounds> Ground(AuditDbContext db, string taskId, string owner, IReadOnlyList<string> datasets, CancellationToken cancellationToken)
    {
        var grants = new List<TaskGrant>();
        var purposes = new List<(string? Purpose, string? Codes)>();
        foreach (var dataset in datasets)
        {
            var held = await db.HeldEntitlements.FindAsync([owner, dataset], cancellationToken);
            var active = held is { Active: true } ? held : null;
            grants.Add(new TaskGrant(dataset, active?.EntitlementId));
            if (active is not null)
            {
                var stated = new AuditEntry { Payload = "" };
                await Purpose(db, stated, default, active.RequestId, cancellationToken);
                purposes.Add((stated.Purpose, stated.PurposeCodes));
            }
        }
        var texts = purposes.Select(p => p.Purpose).OfType<string>().Distinct().ToList();
        var codes = purposes.SelectMany(p => p.Codes?.Split(' ') ?? []).Distinct().ToList();
        return new TaskGrounds
        {
            TaskId = taskId,
            Owner = owner,
            Grants = JsonSerializer.Serialize(grants, Json),
            Purpose = texts.Count > 0 ? Truncate(string.Join(" | ", texts)) : null,
            PurposeCodes = codes.Count > 0 ? string.Join(' ', codes) : null,
        };
    }

    private static string Truncate(string text) => text.Length > EntryFacts.MaxPurposeLength ? text[..EntryFacts.MaxPurposeLength] : text;

    private sealed record TaskGrant(string Dataset, string? Entitlement);
}
