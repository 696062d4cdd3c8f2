namespace Federation.Contracts.Identity;

/// <summary>
/// A person's account was created. Carries the role and its bindings (data holders of a DAC member,
/// node of a node operator) so that other roles can resolve who decides for what. AggregateId is the
/// account id (the <c>sub</c> of its tokens). Never carries a credential.
/// </summary>
public sealed record AccountCreated : FederationEvent
{
    public required string AccountId { get; init; }
    public required string UserName { get; init; }
    public required string Role { get; init; }
    public required IReadOnlyList<string> DataHolders { get; init; }
    public string? Node { get; init; }
}
