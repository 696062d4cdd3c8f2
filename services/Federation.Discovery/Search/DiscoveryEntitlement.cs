namespace Federation.Discovery.Search;

/// <summary>
/// An entitlement as discovery needs it: who may see a dataset's aggregated distributions in search
/// results. Kept from the access role's entitlement events.
/// </summary>
public sealed class DiscoveryEntitlement
{
    public Guid EntitlementId { get; set; }
    public string Subject { get; set; } = "";
    public string DatasetId { get; set; } = "";
    public DateTime Start { get; set; }
    public DateTime End { get; set; }
    public bool Ended { get; set; }
}
