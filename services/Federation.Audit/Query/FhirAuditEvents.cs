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
    public const string ClientSystem = "urn:federation:client";

    private const string EntityTypeSystem = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    private const string ObjectRoleSystem = "http://terminology.hl7.org/CodeSystem/object-role";
    private const string SourceTypeSystem = "http://terminology.hl7.org/CodeSystem/security-source-type";
    private const string AgentTypeSystem = "http://terminology.hl7.org/CodeSystem/extra-security-role-type";
    private const string DicomSystem = "http://dicom.nema.org/resources/ontology/DCM";
    private const string ActReasonSystem = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

    private static readonly string[] Creates = ["Drafted", "Submitted", "Requested", "Published", "Registered", "Created", "Granted", "Added"];
    private static readonly string[] Deletes = ["Retired", "Revoked", "Withdrawn", "Expired", "Abandoned", "Concluded", "Pruned"];
    private static readonly HashSet<string> Executes =
    [
        "TaskRouted", "TaskPartFinished", "AuditCheckpointSealed", "AccessReviewReminderSent", "AccessReviewEscalated", "DataUseCheckCompleted",
        "SecurityEventsObserved",
    ];

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

    public static AuditEvent Of(AuditEntry stored)
    {
        var entry = Context.EntryContext.Read(stored);
        var name = ShortName(entry.EventType);
        var category = Category(entry.EventType);
        var refs = EntryRefs.Of(entry);

        var audit = new AuditEvent
        {
            Id = entry.EventId.ToString(),
            Type = new Coding(EventTypeSystem, name, name),
            Subtype = [new Coding(EventCategorySystem, category)],
            Action = ActionOf(name),
            Period = new Period { Start = Instant(entry.OccurredAt), End = Instant(entry.OccurredAt) },
            Recorded = entry.RecordedAt.AsUtc(),
            Outcome = entry.Outcome switch
            {
                Context.EntryFacts.Refused => AuditEvent.AuditEventOutcome.N4,
                Context.EntryFacts.Failed => AuditEvent.AuditEventOutcome.N8,
                _ => AuditEvent.AuditEventOutcome.N0,
            },
            OutcomeDesc = entry.OutcomeDetail,
        };

        // Who: the actor (the requestor), and the client application it acted through.
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
        if (entry.ActorClient is { Length: > 0 } client && client != entry.ActorSubject)
            audit.Agent.Add(new AuditEvent.AgentComponent
            {
                Type = new CodeableConcept(DicomSystem, "110150", "Application"),
                Who = new ResourceReference { Identifier = new Identifier(ClientSystem, client), Display = client },
                Requestor = false,
            });

        // Where: the node it happened at, else the role that reported it.
        var atNode = entry.ActorKind == "node" && entry.Node is not null;
        audit.Source = new AuditEvent.SourceComponent
        {
            Observer = new ResourceReference
            {
                Identifier = new Identifier(atNode ? NodeSystem : ServiceSystem, atNode ? entry.Node : entry.Service),
                Display = atNode ? $"node {entry.Node}" : $"federation {entry.Service} role",
            },
            Site = entry.Node,
            Type = [new Coding(SourceTypeSystem, "4", "Application Server")],
        };

        // What: the aggregate, carrying the chain's evidence (and the hash of released content); then what else the event names.
        var aggregate = new AuditEvent.EntityComponent
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
        };
        if (entry.ContentHash is { } contentHash)
            aggregate.Detail.Add(Detail("contentHash", contentHash));
        audit.Entity.Add(aggregate);
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

        // Why: the entitlements it happened under and the research purpose (DUO terms, free text).
        var entitlements = entry.Entitlements?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        foreach (var entitlement in entitlements)
            audit.Entity.Add(new AuditEvent.EntityComponent
            {
                What = new ResourceReference { Identifier = new Identifier(EntitlementSystem, entitlement) },
                Type = new Coding(EntityTypeSystem, "2", "System Object"),
                Role = new Coding(ObjectRoleSystem, "13", "Security Resource"),
            });
        var codes = entry.PurposeCodes?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (entry.Purpose is not null || codes.Length > 0 || entitlements.Length > 0)
        {
            var purpose = new CodeableConcept { Text = entry.Purpose };
            purpose.Coding.Add(new Coding(ActReasonSystem, "HRESCH", "healthcare research"));
            foreach (var code in codes)
                purpose.Coding.Add(new Coding(DuoSystem, code));
            audit.PurposeOfEvent.Add(purpose);
        }
        return audit;
    }

    private static AuditEvent.AuditEventAction ActionOf(string name) =>
        Executes.Contains(name) ? AuditEvent.AuditEventAction.E
        : Creates.Any(name.EndsWith) ? AuditEvent.AuditEventAction.C
        : Deletes.Any(name.EndsWith) ? AuditEvent.AuditEventAction.D
        : AuditEvent.AuditEventAction.U;

    private static AuditEvent.DetailComponent Detail(string type, string value) => new() { Type = type, Value = new FhirString(value) };

    private static string Instant(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture);

    internal static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() : null;
}
