namespace Federation.Audit.Domain;

/// <summary>
/// One thing an entry is about, taken from its payload when it is appended (see <see cref="Query.EntryRefs"/>): a
/// dataset, request, task, node, data holder, or a party (the actor and the people the event names). An index beside
/// the chain, not part of it: refs are not hashed, and can be rebuilt from the stored payloads at any time.
/// </summary>
public sealed class AuditEntryRef
{
    public string Kind { get; set; } = "";

    public string Value { get; set; } = "";

    public long Sequence { get; set; }
}

/// <summary>The kinds of <see cref="AuditEntryRef"/>.</summary>
public static class RefKinds
{
    public const string Dataset = "dataset";
    public const string Request = "request";
    public const string Task = "task";
    public const string Node = "node";
    public const string Holder = "holder";

    /// <summary>The actor and the people the event is about (applicant, owner, entitlement subject, account).</summary>
    public const string Party = "party";
}
