namespace Federation.Discovery.Search;

/// <summary>Federated search settings (<c>Federation:Discovery</c>).</summary>
public sealed class SearchOptions
{
    public const string Section = "Federation:Discovery";

    /// <summary>How long a federated query waits for nodes; slower nodes are named as not answering.</summary>
    public TimeSpan SearchDeadline { get; set; } = TimeSpan.FromSeconds(3);
}
