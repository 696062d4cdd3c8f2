namespace Federation.Audit.Context;

/// <summary>
/// What the audit role remembers, beside the chain, to say why later entries happened (<see cref="EntryContext"/>):
/// which entitlement a researcher holds on a dataset, which entitlements a task ran under. Kept from the trail itself
/// at append time; not hashed (what they yield is hashed into each entry's context). A request's purpose needs no
/// table: the entries that state it hold it.
/// <para>This one: the latest entitlement of <see cref="Subject"/> to <see cref="DatasetId"/>, and whether it still holds.</para>
/// </summary>
public sealed class HeldEntitlement
{
    public string Subject { get; set; } = "";

    public string DatasetId { get; set; } = "";

    public string EntitlementId { get; set; } = "";

    public string RequestId { get; set; } = "";

    public bool Active { get; set; }
}

/// <summary>A task's owner and, per dataset, the entitlement that covered it when the task was submitted.</summary>
public sealed class TaskGrounds
{
    public string TaskId { get; set; } = "";

    public string Owner { get; set; } = "";

    /// <summary>JSON: <c>[{"dataset":…,"entitlement":…|null}]</c>.</summary>
    public string Grants { get; set; } = "[]";

    public string? Purpose { get; set; }

    public string? PurposeCodes { get; set; }
}
