using System.Text.Json;
using Federation.Audit.Domain;
using Federation.ServiceDefaults.Persistence;

namespace Federation.Audit.Query;

/// <summary>
/// A GDPR Art. 30-style record of processing for one dataset, derived from the audit trail alone: why it was asked
/// for (access requests naming it, with their stated purposes), who received it (entitlements, with their periods),
/// what was done with it (tasks that named it, where they ran and how they ended), and when.
/// </summary>
public sealed record ProcessingReport(
    string DatasetId,
    IReadOnlyList<string> DataHolders,
    DateTimeOffset GeneratedAt,
    ReportPeriod Period,
    IReadOnlyList<ReportPurpose> Purposes,
    IReadOnlyList<ReportRecipient> Recipients,
    IReadOnlyList<ReportProcessing> Processing,
    long Entries,
    long LastSequence)
{
    public static HashSet<string> HoldersOf(string datasetId, IEnumerable<AuditEntry> entries)
    {
        var holders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            using var document = Parse(entry.Payload);
            if (document is not null)
                FindHolders(document.RootElement, datasetId, holders, 0);
        }
        return holders;
    }

    /// <summary>A holder counts when it stands in the same JSON object as the dataset's id (entitlements, snapshots' datasets, descriptions, conditions, votes).</summary>
    private static void FindHolders(JsonElement element, string datasetId, HashSet<string> holders, int depth)
    {
        if (depth > 8)
            return;
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
                FindHolders(item, datasetId, holders, depth + 1);
            return;
        }
        if (element.ValueKind != JsonValueKind.Object)
            return;
        if (FhirAuditEvents.Text(element, "datasetId") == datasetId && FhirAuditEvents.Text(element, "dataHolder") is { Length: > 0 } holder)
            holders.Add(holder);
        foreach (var property in element.EnumerateObject())
            FindHolders(property.Value, datasetId, holders, depth + 1);
    }

    public static List<string> TasksOf(IEnumerable<AuditEntry> entries) =>
        entries.Where(e => FhirAuditEvents.Category(e.EventType) == "compute")
            .SelectMany(e => EntryRefs.Of(e)).Where(r => r.Kind == RefKinds.Task).Select(r => r.Value).Distinct().ToList();

    public static ProcessingReport Of(string datasetId, IReadOnlySet<string> holders, IReadOnlyList<AuditEntry> about,
        IReadOnlyList<AuditEntry> taskEntries, DateTimeOffset now)
    {
        var purposes = new Dictionary<string, ReportPurpose>();
        var recipients = new Dictionary<string, ReportRecipient>();
        var tasks = new Dictionary<string, ReportProcessing>();

        foreach (var entry in about.Concat(taskEntries).DistinctBy(e => e.Sequence).OrderBy(e => e.Sequence))
        {
            using var document = Parse(entry.Payload);
            if (document is null)
                continue;
            var root = document.RootElement;
            var name = FhirAuditEvents.ShortName(entry.EventType);
            var at = entry.OccurredAt.AsUtc();
            switch (FhirAuditEvents.Category(entry.EventType))
            {
                case "access" when name.StartsWith("Entitlement", StringComparison.Ordinal):
                    if (FhirAuditEvents.Text(root, "datasetId") != datasetId || FhirAuditEvents.Text(root, "entitlementId") is not { } id)
                        break;
                    recipients.TryGetValue(id, out var recipient);
                    recipient ??= new ReportRecipient(id, FhirAuditEvents.Text(root, "subject") ?? "", FhirAuditEvents.Text(root, "requestId"), null, null, null, null, null, null, null);
                    recipients[id] = name switch
                    {
                        "EntitlementGranted" => recipient with
                        {
                            GrantedAt = at, Start = Time(root, "start"), End = Time(root, "end"), Conditions = FhirAuditEvents.Text(root, "conditions"),
                        },
                        "EntitlementRevoked" => recipient with { Ended = "revoked", EndedAt = Time(root, "revokedAt") ?? at, Reason = FhirAuditEvents.Text(root, "reason") },
                        "EntitlementExpired" => recipient with { Ended = "expired", EndedAt = Time(root, "expiredAt") ?? at },
                        _ => recipient,
                    };
                    break;
                case "access":
                    var request = root.TryGetProperty("request", out var snapshot) && snapshot.ValueKind == JsonValueKind.Object ? snapshot : default;
                    var requestId = FhirAuditEvents.Text(root, "requestId") ?? FhirAuditEvents.Text(request, "requestId");
                    if (requestId is null)
                        break;
                    purposes.TryGetValue(requestId, out var purpose);
                    purpose ??= new ReportPurpose(requestId, "", null, null, "", null, null, at, at);
                    JsonElement? terms = request.ValueKind == JsonValueKind.Object && request.TryGetProperty("purposeTerms", out var t) && t.ValueKind == JsonValueKind.Object
                        ? t.Clone() : purpose.PurposeTerms;
                    var datasetState = request.ValueKind == JsonValueKind.Object && request.TryGetProperty("datasets", out var datasets) && datasets.ValueKind == JsonValueKind.Array
                        ? datasets.EnumerateArray().Where(d => FhirAuditEvents.Text(d, "datasetId") == datasetId).Select(d => FhirAuditEvents.Text(d, "state")).FirstOrDefault()
                        : null;
                    purposes[requestId] = purpose with
                    {
                        Title = FhirAuditEvents.Text(request, "title") ?? FhirAuditEvents.Text(root, "title") ?? purpose.Title,
                        Purpose = FhirAuditEvents.Text(request, "purpose") ?? FhirAuditEvents.Text(root, "purpose") ?? purpose.Purpose,
                        PurposeTerms = terms,
                        Applicant = FhirAuditEvents.Text(request, "applicant") ?? FhirAuditEvents.Text(root, "applicant") ?? purpose.Applicant,
                        RequestState = FhirAuditEvents.Text(request, "state") ?? purpose.RequestState,
                        DatasetState = datasetState ?? purpose.DatasetState,
                        LastEventAt = at,
                    };
                    break;
                case "compute" when FhirAuditEvents.Text(root, "taskId") is { } taskId:
                    tasks.TryGetValue(taskId, out var task);
                    task ??= new ReportProcessing(taskId, FhirAuditEvents.Text(root, "owner") ?? "", null, null, null, null, null, [], null, at, at);
                    task = task with { LastEventAt = at };
                    tasks[taskId] = name switch
                    {
                        "TaskSubmitted" => task with
                        {
                            Owner = FhirAuditEvents.Text(root, "owner") ?? task.Owner, Name = FhirAuditEvents.Text(root, "name"),
                            Algorithm = FhirAuditEvents.Text(root, "algorithm"), Placement = FhirAuditEvents.Text(root, "placement"), SubmittedAt = at,
                        },
                        "TaskRouted" => task with
                        {
                            Routed = root.TryGetProperty("routed", out var routed) && routed.ValueKind == JsonValueKind.True,
                            Locations = root.TryGetProperty("plan", out var plan) && plan.ValueKind == JsonValueKind.Array
                                ? plan.EnumerateArray().Where(p => FhirAuditEvents.Text(p, "dataset") == datasetId)
                                    .Select(p => FhirAuditEvents.Text(p, "location") ?? "").Distinct().ToList()
                                : task.Locations,
                        },
                        "TaskPartFinished" when FhirAuditEvents.Text(root, "dataset") == datasetId => task with
                        {
                            Parts = [.. task.Parts, new ReportTaskPart(FhirAuditEvents.Text(root, "node") ?? "", FhirAuditEvents.Text(root, "state") ?? "", at)],
                        },
                        "TaskStateChanged" => task with { State = FhirAuditEvents.Text(root, "state") },
                        _ => task,
                    };
                    break;
            }
        }

        var times = about.Select(e => e.OccurredAt.AsUtc()).ToList();
        var access = recipients.Values.Where(r => r.Start is not null).ToList();
        var period = new ReportPeriod(
            times.Min(), times.Max(),
            access.Count == 0 ? null : access.Min(r => r.Start),
            access.Count == 0 ? null : access.Max(r => r.EndedAt is { } ended && (r.End is null || ended < r.End) ? ended : r.End),
            tasks.Count == 0 ? null : tasks.Values.Min(t => t.SubmittedAt ?? t.FirstEventAt),
            tasks.Count == 0 ? null : tasks.Values.Max(t => t.LastEventAt));
        return new ProcessingReport(datasetId, holders.Order(StringComparer.Ordinal).ToList(), now, period,
            [.. purposes.Values], [.. recipients.Values], [.. tasks.Values], about.Count, about[^1].Sequence);
    }


    private static DateTimeOffset? Time(JsonElement element, string property) =>
        FhirAuditEvents.Text(element, property) is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.RoundtripKind, out var value) ? value : null;

    private static JsonDocument? Parse(string payload)
    {
        try
        {
            return JsonDocument.Parse(payload);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <param name="FirstEvent">The first recorded event naming the dataset.</param>
/// <param name="AccessFrom">The earliest start of an entitlement to it.</param>
/// <param name="AccessUntil">The latest end of an entitlement (its revocation or expiry when earlier than its planned end).</param>
/// <param name="ProcessingFrom">The first task's submission.</param>
/// <param name="ProcessingUntil">The last task event.</param>
public sealed record ReportPeriod(
    DateTimeOffset FirstEvent, DateTimeOffset LastEvent, DateTimeOffset? AccessFrom, DateTimeOffset? AccessUntil,
    DateTimeOffset? ProcessingFrom, DateTimeOffset? ProcessingUntil);

/// <summary>One access request naming the dataset: its stated purpose (free text and DUO terms) and how it stands.</summary>
public sealed record ReportPurpose(
    string RequestId, string Title, string? Purpose, JsonElement? PurposeTerms, string Applicant, string? RequestState, string? DatasetState,
    DateTimeOffset FirstEventAt, DateTimeOffset LastEventAt);

/// <summary>A recipient: a researcher entitled to the dataset, for a period; <paramref name="Ended"/> revoked or expired, when it has.</summary>
public sealed record ReportRecipient(
    string EntitlementId, string Subject, string? RequestId, DateTimeOffset? GrantedAt, DateTimeOffset? Start, DateTimeOffset? End,
    string? Conditions, string? Ended, DateTimeOffset? EndedAt, string? Reason);

/// <summary>A task that used the dataset: who ran what, where (the plan's locations for this dataset), and how it ended.</summary>
public sealed record ReportProcessing(
    string TaskId, string Owner, string? Name, string? Algorithm, string? Placement, bool? Routed, IReadOnlyList<string>? Locations,
    IReadOnlyList<ReportTaskPart> Parts, string? State, DateTimeOffset FirstEventAt, DateTimeOffset LastEventAt)
{
    public DateTimeOffset? SubmittedAt { get; init; }
}

public sealed record ReportTaskPart(string Node, string State, DateTimeOffset FinishedAt);
