using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Federation.Audit.Domain;
using Federation.Audit.Query;

namespace Federation.Audit.Context;

/// <summary>
/// The context of an entry that its event states itself (README, "Who, what, why, where, when, outcome"): the client the
/// actor acted through, the role that reported it and the node it happened at, the purpose and entitlement it names,
/// its outcome, and the hash of content it released or published. A pure function of the event type and the stored
/// payload, so that it can be applied to entries recorded in form 1, which did not store it.
/// </summary>
public sealed record EntryFacts(
    string? Client, string Service, string? Node, string? Purpose, string? PurposeCodes, string? Entitlement,
    string Outcome, string? OutcomeDetail, string? ContentHash)
{
    public const string Success = "success";
    public const string Refused = "refused";
    public const string Failed = "failed";

    /// <summary>Longest purpose text kept in the context (the payload keeps the whole text).</summary>
    public const int MaxPurposeLength = 2000;

    private static readonly HashSet<string> TaskFailures = ["SYSTEM_ERROR", "EXECUTOR_ERROR"];

    public static EntryFacts Of(AuditEntry entry)
    {
        JsonDocument? document = null;
        try
        {
            document = JsonDocument.Parse(entry.Payload);
        }
        catch (JsonException)
        {
            // A payload that is not JSON states nothing beyond its envelope.
        }
        using (document)
            return Of(entry, document?.RootElement ?? default);
    }

    /// <param name="root">The parsed payload (<c>default</c> when it is not JSON).</param>
    public static EntryFacts Of(AuditEntry entry, JsonElement root)
    {
        var name = FhirAuditEvents.ShortName(entry.EventType);
        var actor = Object(root, "actor");
        var (outcome, detail) = OutcomeOf(name, root);
        var request = Object(root, "request");
        var codes = Strings(Object(request, "purposeTerms"), "purposes") ?? Strings(Object(root, "purposeTerms"), "purposes");
        return new EntryFacts(
            Client: Text(actor, "client") ?? (name == "SecurityEventsObserved" ? Text(root, "client") : null),
            Service: ServiceOf(entry, root),
            Node: entry.ActorKind == "node" ? NodeName(entry.ActorSubject) : Text(root, "node"),
            Purpose: Truncate(Text(root, "purpose") ?? Text(request, "purpose")),
            PurposeCodes: codes is { Count: > 0 } ? string.Join(' ', codes) : null,
            Entitlement: Text(root, "entitlementId"),
            Outcome: outcome,
            OutcomeDetail: detail,
            ContentHash: ContentHashOf(name, root));
    }

    /// <summary>The role that reported the event: the one a security report names, a node's agent, the service a system actor names, else the event's context.</summary>
    private static string ServiceOf(AuditEntry entry, JsonElement root)
    {
        if (FhirAuditEvents.ShortName(entry.EventType) == "SecurityEventsObserved" && Text(root, "service") is { Length: > 0 } service)
            return service;
        if (entry.ActorKind == "node")
            return "node-agent";
        if (entry.ActorSubject.StartsWith("system:", StringComparison.Ordinal))
            return entry.ActorSubject["system:".Length..];
        return FhirAuditEvents.Category(entry.EventType);
    }

    private static string NodeName(string subject) => subject.StartsWith("node:", StringComparison.Ordinal) ? subject["node:".Length..] : subject;

    /// <summary>
    /// Success for every recorded fact, except refusals (a task the router refused, a node's refusal of a task part,
    /// a declined node enrolment, refused requests and sign-ins) and failures (a task or task part ended in an error).
    /// A DAC's decline is a decision taken, so a success.
    /// </summary>
    private static (string, string?) OutcomeOf(string name, JsonElement root)
    {
        switch (name)
        {
            case "TaskRouted" when root.ValueKind == JsonValueKind.Object && root.TryGetProperty("routed", out var routed) && routed.ValueKind == JsonValueKind.False:
                var refusal = Object(root, "refusal");
                return (Refused, refusal.ValueKind == JsonValueKind.Object ? $"{Text(refusal, "rule")}: {Text(refusal, "reason")}" : "refused");
            case "NodeEnrolmentDeclined":
                return (Refused, Text(root, "reason"));
            case "TaskStateChanged" when Text(root, "state") is { } state && TaskFailures.Contains(state):
                return (Failed, Text(root, "reason") ?? state);
            case "TaskPartFinished" when Text(root, "state") is { } part && part != "COMPLETE":
                var reason = Text(root, "reason") ?? part;
                return (reason.StartsWith("refused", StringComparison.Ordinal) ? Refused : Failed, reason);
            case "SecurityEventsObserved":
                var count = root.TryGetProperty("count", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 1;
                var status = root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt32() : 0;
                return (Text(root, "kind") == "sign-in-succeeded" ? Success : Refused, $"{count} × {status} {Text(root, "reason")}".TrimEnd());
            default:
                return (Success, null);
        }
    }

    /// <summary>What left a node or was published: a released result, a dataset description (its JSON as the event carries it).</summary>
    private static string? ContentHashOf(string name, JsonElement root) => name switch
    {
        "TaskPartFinished" when Text(root, "result") is { } result => Sha256(result),
        "DatasetPublished" or "DatasetUpdated" when Object(root, "dataset") is { ValueKind: JsonValueKind.Object } dataset => Sha256(dataset.GetRawText()),
        _ => null,
    };

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string? Truncate(string? text) => text is { Length: > MaxPurposeLength } ? text[..MaxPurposeLength] : text;

    internal static JsonElement Object(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Object ? value : default;

    internal static string? Text(JsonElement element, string property) => FhirAuditEvents.Text(element, property);

    internal static List<string>? Strings(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!).ToList()
            : null;
}
