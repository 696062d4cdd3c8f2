namespace Federation.Contracts.Discovery;

/// <summary>
/// Someone ran a federated search (the actor: a signed-in caller, or anonymous): what they asked, through which
/// interface, how much they were allowed to see, and which nodes were asked and answered. The counts are not in it:
/// the trail records that a question was asked and at which granularity, while the answer stays with the asker.
/// AggregateId is the query id (the <c>queryId</c> of the search's response), version 1.
/// </summary>
public sealed record FederatedSearchPerformed : FederationEvent
{
    public required Guid QueryId { get; init; }

    /// <summary><c>search</c> (<c>POST /api/search</c>) or <c>beacon</c> (the Beacon v2 endpoint).</summary>
    public required string Api { get; init; }

    public required SubjectFilter Filter { get; init; }

    /// <summary>The most the caller could see: <c>boolean</c> (anonymous) or <c>count</c>; entitled datasets show more, named below.</summary>
    public required string Granularity { get; init; }

    /// <summary>Datasets whose distributions the caller saw, under an entitlement.</summary>
    public required IReadOnlyList<string> DatasetsAggregated { get; init; }

    public required IReadOnlyList<string> NodesAsked { get; init; }

    public required IReadOnlyList<string> NodesAnswered { get; init; }
}
