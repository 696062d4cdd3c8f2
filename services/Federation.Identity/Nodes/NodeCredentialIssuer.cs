using Federation.Contracts.Identity;
using Federation.Identity.Accounts;
using Federation.Identity.Data;
using Federation.Identity.Domain;
using Federation.ServiceDefaults.Domain;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Federation.Identity.Nodes;

/// <summary>What a node's operator collects, once: its OAuth client and its broker user share the one secret.</summary>
public sealed record NodeCredentials(string Node, string ClientId, string ClientSecret, string? BrokerUser, string? BrokerVirtualHost, IReadOnlyList<string> Scopes);

/// <summary>
/// Hands out an approved node's credentials exactly once. Three steps, because the broker is not in our
/// transaction: (1) reserve the grant (a concurrency-checked commit: a second collector loses with 409);
/// (2) create the broker user with the new secret (idempotent: a retry just sets the password again);
/// (3) register the OAuth client and mark the grant issued in one commit. If (2) or (3) fails the reservation is
/// released and the caller may try again; if the process dies, a reservation older than
/// <see cref="StaleReservation"/> may be taken over. The secret exists only in the answer and as hashes.
/// </summary>
public sealed class NodeCredentialIssuer(IdentityDbContext db, ClientRegistry clients, IBrokerAccounts broker, TimeProvider clock, ILogger<NodeCredentialIssuer> log)
{
    public static readonly TimeSpan StaleReservation = TimeSpan.FromMinutes(2);

    /// <summary>Null when the caller may not see this node's grant (the API answers 404).</summary>
    public async Task<NodeCredentials?> Collect(string node, string caller, bool isAdmin, EventStamp stamp, CancellationToken cancellationToken)
    {
        var grant = await db.Set<NodeCredentialGrant>().FirstOrDefaultAsync(g => g.Node == node, cancellationToken);
        if (grant is null || (!isAdmin && grant.RequestedBy != caller))
            return null;
        var now = clock.GetUtcNow().UtcDateTime;
        var takeOver = grant.Status == NodeCredentialStatus.Issuing && grant.ReservedAt < now - StaleReservation;
        if (grant.Status != NodeCredentialStatus.Approved && !takeOver)
            throw new ConflictException("Credentials not available", grant.Status switch
            {
                NodeCredentialStatus.Issued => $"The credentials of node '{node}' were collected at {grant.IssuedAt:u}; they are shown only once. A platform admin can revoke the node, and the hospital can enrol it again under a new name.",
                NodeCredentialStatus.Revoked => $"Node '{node}' was revoked.",
                _ => $"The credentials of node '{node}' are being collected right now.",
            });

        grant.Status = NodeCredentialStatus.Issuing;
        grant.ReservedAt = now;
        grant.Version++;
        await SaveOrConflict(node, cancellationToken);

        var clientId = NodeBrokerAccess.UserOf(node);
        var secret = Secrets.New();
        try
        {
            await broker.Provision(node, secret, cancellationToken);
            grant.Status = NodeCredentialStatus.Issued;
            grant.IssuedAt = now;
            grant.IssuedTo = caller;
            grant.Version++;
            var scopes = FederationRoles.ScopesOf(ClientKind.NodeAgent.Role);
            // Saves the client, its ClientRegistered event and the grant in one commit (the registry saves this context).
            await clients.Register(clientId, node, ClientKind.NodeAgent, node, scopes, stamp, cancellationToken, secret);
            log.LogInformation("Credentials of node {Node} collected by {Caller}", node, caller);
            return new NodeCredentials(node, clientId, secret, broker.Enabled ? clientId : null, broker.Enabled ? broker.VirtualHost : null, scopes);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogWarning("Collecting the credentials of node {Node} failed, reservation released: {Error}", node, ex.Message);
            db.ChangeTracker.Clear();
            var fresh = await db.Set<NodeCredentialGrant>().FirstAsync(g => g.Node == node, CancellationToken.None);
            if (fresh.Status == NodeCredentialStatus.Issuing)
            {
                fresh.Status = NodeCredentialStatus.Approved;
                fresh.ReservedAt = null;
                fresh.Version++;
                await db.SaveChangesAsync(CancellationToken.None);
            }
            throw new DependencyUnavailableException($"The credentials of node '{node}' could not be issued (the message broker did not accept the node's user); nothing was issued, try again later.");
        }
    }

    /// <summary>Whether a node's client may still get tokens: issued and not revoked.</summary>
    public static async Task<bool> IsActive(IdentityDbContext db, string node, CancellationToken cancellationToken) =>
        await db.Set<NodeCredentialGrant>().AnyAsync(g => g.Node == node && g.Status == NodeCredentialStatus.Issued, cancellationToken);

    private async Task SaveOrConflict(string node, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("Credentials not available", $"The credentials of node '{node}' are being collected right now.");
        }
    }
}
