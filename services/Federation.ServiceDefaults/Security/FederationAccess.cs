namespace Federation.ServiceDefaults.Security;

/// <summary>
/// The federation's vocabulary of scopes, roles and claims: what the identity role issues and what
/// every other role checks. Changing a value here is a breaking change for every token in circulation.
/// </summary>
public static class FederationScopes
{
    public const string Access = "access";
    public const string Audit = "audit";
    public const string Consent = "consent";
    public const string Discovery = "discovery";
    public const string Compute = "compute";
    public const string Node = "node";
    public const string Events = "events";
    public const string IdentityAdmin = "identity.admin";

    public static readonly IReadOnlyList<string> All = [Access, Audit, Consent, Discovery, Compute, Node, Events, IdentityAdmin];
}

/// <summary>Who a caller is. People have one of the first five; partner systems and node agents are clients.</summary>
public static class FederationRoles
{
    public const string Researcher = "researcher";
    public const string DacMember = "dac-member";
    public const string NodeOperator = "node-operator";
    public const string PlatformAdmin = "platform-admin";
    public const string Auditor = "auditor";

    /// <summary>A partner system using client credentials.</summary>
    public const string Partner = "partner";

    /// <summary>A node agent using client credentials.</summary>
    public const string NodeAgent = "node-agent";

    public static readonly IReadOnlyList<string> People = [Researcher, DacMember, NodeOperator, PlatformAdmin, Auditor];

    /// <summary>The scopes each role may ask for: a token never carries a scope its holder's role does not allow.</summary>
    public static IReadOnlyList<string> ScopesOf(string role) => role switch
    {
        Researcher => [FederationScopes.Access, FederationScopes.Consent, FederationScopes.Discovery, FederationScopes.Compute, FederationScopes.Audit],
        DacMember => [FederationScopes.Access, FederationScopes.Consent, FederationScopes.Discovery, FederationScopes.Audit],
        NodeOperator => [FederationScopes.Node, FederationScopes.Discovery, FederationScopes.Audit],
        PlatformAdmin => [.. FederationScopes.All],
        Auditor => [FederationScopes.Audit, FederationScopes.Discovery],
        Partner => [FederationScopes.Events, FederationScopes.Discovery],
        NodeAgent => [FederationScopes.Node],
        _ => [],
    };
}

/// <summary>Claim names in federation access tokens (JWT names, not the long .NET URIs).</summary>
public static class FederationClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string Name = "name";
    public const string Scope = "scope";
    public const string ClientId = "client_id";

    /// <summary>A data holder a DAC member decides for (one claim per holder).</summary>
    public const string DataHolder = "data_holder";

    /// <summary>The node a node operator or node agent is bound to.</summary>
    public const string Node = "node";
}
