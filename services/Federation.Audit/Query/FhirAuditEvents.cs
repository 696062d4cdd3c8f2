using System.Text.Json;
using Federation.Audit.Domain;
using Hl7.Fhir.Model;
using Federation.ServiceDefaults.Persistence;

namespace Federation.Audit.Query;

/// <summary>
/// Maps audit entries to FHIR R4 AuditEvent resources (README, "FHIR AuditEvent"): type = the federation event type,
/// agent = the actor (requestor), source = the service or node that reported it, entities = the aggregate (with the
/// chain's sequence and hashes as details) and the datasets, requests, tasks and entitlement the event names.
/// </summary>
public static class FhirAuditEvents
{
    public const string EventTypeSystem = "urn:federation:audit-event-type";
    public const string EventCategorySystem = "urn:federation:audit-event-category";
    public const string SubjectSystem = "urn:federation:subject";
    public const string RoleSystem = "urn:federation:role";
    public const string ServiceSystem = "urn:federation:service";
    public const string NodeSystem = "urn:federation:node";
    public const string AggregateSystem = "urn:federation:aggregate";
    public const string DatasetSystem = "urn:federation:dataset";
    public const string RequestSystem = "urn:federation:access-request";
    public const string TaskSystem = "urn:federation:task";
    public const string EntitlementSystem = "urn:federation:entitlement";
    public const string DuoSystem = "http://purl.obolibrary.org/obo/duo";

    private const string EntityTypeSystem = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    private const string ObjectRoleSystem = "http://terminology.hl7.org/CodeSystem/object-role";
    private const string SourceTypeSystem = "http://terminology.hl7.org/CodeSystem/security-source-type";
    private const string AgentTypeSystem = "http://terminology.hl7.org/CodeSystem/extra-security-role-type";
    private const string ActReasonSystem = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

    private static readonly string[] Creates = ["Drafted", "Submitted", "Requested", "Published", "Registered", "Created", "Granted", "Added"];
    private static readonly string[] Deletes = ["Retired", "Revoked", "Withdrawn", "Expired", "Abandoned", "Concluded"];
    private static readonly HashSet<string> Executes =
    [
        "TaskRouted", "RunTaskPart", "TaskPartFinished", "NodeHeartbeat", "AuditCheckpointSealed", "AccessReviewReminderSent",
        "AccessReviewEscalated", "DataUseCheckCompleted", "CountQueryRequested", "CountQueryAnswered",
    ];
    private static readonly HashSet<string> TaskFailures = ["SYSTEM_ERROR", "EXECUTOR_ERROR"];

    public static Bundle Bundle(IReadOnlyList<AuditEntry> entries, string self, string? next)
    {
        var bundle = new Bundle { Type = Hl7.Fhir.Model.Bundle.BundleType.Searchset, Timestamp = DateTimeOffset.UtcNow };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = self });
        if (next is not null)
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = next });
        foreach (var entry in entries)
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"urn:uuid:{entry.EventId}",
                Resource = Of(entry),
                Search = new Bundle.SearchComponent { Mode = Hl7.Fhir.Model.Bundle.SearchEntryMode.Match },
            });
        return bundle;
    }

    public static string ShortName(string eventType) => eventType[(eventType.LastIndexOf(':') + 1)..];

    /// <summary><c>urn:message:Federation.Contracts.Access:X</c> → <c>access</c>.</summary>
    public static string Category(string eventType)
    {
        var parts = eventType.Split(':');
        var ns = parts.Length >= 2 ? parts[^2] : "";
        return ns[(ns.LastIndexOf('.') + 1)..].ToLowerInvariant();
    }

    public static AuditEvent Of(AuditEntry entry)
    {
        var name = ShortName(entry.EventType);
        var category = Category(entry.EventType);
        using var document = Parse(entry.Payload);
        var root = document?.RootElement ?? default;
        var refs = EntryRefs.Of(entry);

        var audit = new AuditEvent
        {
            Id = entry.EventId.ToString(),
            Type = new Coding(EventTypeSystem, name, name),
            Subtype = [new Coding(EventCategorySystem, category)],
            Action = ActionOf(name),
            Period = new Period { Start = Instant(entry.OccurredAt), End = Instant(entry.OccurredAt) },
            Recorded = entry.RecordedAt.AsUtc(),
        };
        var (outcome, description) = OutcomeOf(name, root);
        audit.Outcome = outcome;
        audit.OutcomeDesc = description;

        var agentType = entry.ActorKind == "user" ? "humanuser" : "dataprocessor";
        var agent = new AuditEvent.AgentComponent
        {
            Type = new CodeableConcept(AgentTypeSystem, agentType),
            Who = new ResourceReference { Identifier = new Identifier(SubjectSystem, entry.ActorSubject), Display = entry.ActorSubject },
            Requestor = true,
        };
        if (entry.ActorRole is { Length: > 0 } role)
            agent.Role.Add(new CodeableConcept(RoleSystem, role));
        audit.Agent.Add(agent);

        var nodes = refs.Where(r => r.Kind == RefKinds.Node).Select(r => r.Value).ToList();
        var observer = entry.ActorKind == "node" ? entry.ActorSubject
            : entry.ActorSubject.StartsWith("system:", StringComparison.Ordinal) ? entry.ActorSubject["system:".Length..]
            : category;
        audit.Source = new AuditEvent.SourceComponent
        {
            Observer = new ResourceReference
            {
                Identifier = new Identifier(entry.ActorKind == "node" ? NodeSystem : ServiceSystem, observer),
                Display = entry.ActorKind == "node" ? $"node {observer}" : $"federation {observer} role",
            },
            Site = nodes.Count == 1 ? nodes[0] : null,
            Type = [new Coding(SourceTypeSystem, "4", "Application Server")],
        };

        // What: the aggregate, carrying the chain's evidence; then what else the event names.
        audit.Entity.Add(new AuditEvent.EntityComponent
        {
            What = new ResourceReference { Identifier = new Identifier(AggregateSystem, entry.AggregateId) },
            Type = new Coding(EntityTypeSystem, "2", "System Object"),
            Role = new Coding(ObjectRoleSystem, "4", "Domain Resource"),
            Description = $"{name} version {entry.AggregateVersion}",
            Detail =
            [
                Detail("sequence", entry.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                Detail("hash", entry.Hash),
                Detail("previousHash", entry.PreviousHash),
                Detail("eventId", entry.EventId.ToString()),
                Detail("eventType", entry.EventType),
                Detail("correlationId", entry.CorrelationId.ToString()),
                Detail("aggregateVersion", entry.AggregateVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ],
        });
        foreach (var r in refs)
        {
            var (system, roleCode, roleName) = r.Kind switch
            {
                RefKinds.Dataset => (DatasetSystem, "4", "Domain Resource"),
                RefKinds.Request => (RequestSystem, "4", "Domain Resource"),
                RefKinds.Task => (TaskSystem, "20", "Job"),
                _ => ((string?)null, "", ""),
            };
            if (system is null || r.Value == entry.AggregateId)
                continue;
            audit.Entity.Add(new AuditEvent.EntityComponent
            {
                What = new ResourceReference { Identifier = new Identifier(system, r.Value) },
                Type = new Coding(EntityTypeSystem, "2", "System Object"),
                Role = new Coding(ObjectRoleSystem, roleCode, roleName),
            });
        }

        // Why: the research purpose (DUO terms, free text) and the entitlement the event is about.
        var purposes = PurposeOf(root);
        if (Text(root, "entitlementId") is { } entitlement)
        {
            audit.Entity.Add(new AuditEvent.EntityComponent
            {
                What = new ResourceReference { Identifier = new Identifier(EntitlementSystem, entitlement) },
                Type = new Coding(EntityTypeSystem, "2", "System Object"),
                Role = new Coding(ObjectRoleSystem, "13", "Security Resource"),
            });
            purposes ??= new CodeableConcept(ActReasonSystem, "HRESCH", "healthcare research");
        }
        if (purposes is not null)
            audit.PurposeOfEvent.Add(purposes);
        return audit;
    }

    private static AuditEvent.AuditEventAction ActionOf(string name) =>
        Executes.Contains(name) ? AuditEvent.AuditEventAction.E
        : Creates.Any(name.EndsWith) ? AuditEvent.AuditEventAction.C
        : Deletes.Any(name.EndsWith) ? AuditEvent.AuditEventAction.D
        : AuditEvent.AuditEventAction.U;

    /// <summary>
    /// 0 for every recorded fact, except refusals (a task the router refused, a declined node enrolment: 4, minor
    /// failure) and task failures (a task or task part ended in an error: 8, serious failure). A DAC's decline is a
    /// decision taken successfully, so 0.
    /// </summary>
    private static (AuditEvent.AuditEventOutcome, string?) OutcomeOf(string name, JsonElement root)
    {
        switch (name)
        {
            case "TaskRouted" when root.ValueKind == JsonValueKind.Object && root.TryGetProperty("routed", out var routed) && routed.ValueKind == JsonValueKind.False:
                return (AuditEvent.AuditEventOutcome.N4, root.TryGetProperty("refusal", out var refusal) && refusal.ValueKind == JsonValueKind.Object
                    ? $"{Text(refusal, "rule")}: {Text(refusal, "reason")}" : "refused");
            case "NodeEnrolmentDeclined":
                return (AuditEvent.AuditEventOutcome.N4, Text(root, "reason"));
            case "TaskStateChanged" when Text(root, "state") is { } state && TaskFailures.Contains(state):
                return (AuditEvent.AuditEventOutcome.N8, Text(root, "reason") ?? state);
            case "TaskPartFinished" when Text(root, "state") is { } part && part != "COMPLETE":
                return (AuditEvent.AuditEventOutcome.N8, Text(root, "reason") ?? part);
            default:
                return (AuditEvent.AuditEventOutcome.N0, null);
        }
    }

    private static CodeableConcept? PurposeOf(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return null;
        var request = root.TryGetProperty("request", out var r) && r.ValueKind == JsonValueKind.Object ? r : default;
        var text = Text(root, "purpose") ?? (request.ValueKind == JsonValueKind.Object ? Text(request, "purpose") : null);
        var codes = request.ValueKind == JsonValueKind.Object && request.TryGetProperty("purposeTerms", out var terms)
                    && terms.ValueKind == JsonValueKind.Object && terms.TryGetProperty("purposes", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.String).Select(c => c.GetString()!).ToList()
            : [];
        if (text is null && codes.Count == 0)
            return null;
        var concept = new CodeableConcept { Text = text };
        concept.Coding.Add(new Coding(ActReasonSystem, "HRESCH", "healthcare research"));
        foreach (var code in codes)
            concept.Coding.Add(new Coding(DuoSystem, code));
        return concept;
    }

    private static AuditEvent.DetailComponent Detail(string type, string value) => new() { Type = type, Value = new FhirString(value) };

    private static string Instant(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture);

    internal static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() : null;

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
