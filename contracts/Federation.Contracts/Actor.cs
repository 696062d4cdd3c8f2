namespace Federation.Contracts;

/// <summary>Who caused an event: a person, a partner client, a node, or the platform itself.</summary>
/// <param name="Subject">Stable subject id (the token's <c>sub</c>, a client id, or <c>system:&lt;service&gt;</c>).</param>
/// <param name="Kind">user, client, node or system.</param>
/// <param name="Role">The role the actor acted in, when known (researcher, dac-member, …).</param>
/// <param name="Client">
/// The OAuth client the actor acted through (the token's <c>client_id</c>: the portal for people, the client itself for
/// partner systems and node agents); null when unknown or for the platform's own work. Added in 1.x: absent from
/// events of earlier releases.
/// </param>
public sealed record Actor(string Subject, string Kind, string? Role = null, string? Client = null)
{
    public static Actor System { get; } = new("system", "system");

    public static Actor Anonymous { get; } = new("anonymous", "user");

    public static Actor Service(string service) => new($"system:{service}", "system");
}
