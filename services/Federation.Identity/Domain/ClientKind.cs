using Federation.ServiceDefaults.Security;

namespace Federation.Identity.Domain;

/// <summary>What a machine client is, kept in its OpenIddict application's properties.</summary>
public sealed record ClientKind(string Name, string Role)
{
    public static readonly ClientKind Partner = new("partner", FederationRoles.Partner);
    public static readonly ClientKind NodeAgent = new("node-agent", FederationRoles.NodeAgent);

    public const string KindProperty = "federation_kind";
    public const string NodeProperty = "federation_node";

    public static ClientKind? Named(string? name) => name switch
    {
        "partner" => Partner,
        "node-agent" => NodeAgent,
        _ => null,
    };
}
