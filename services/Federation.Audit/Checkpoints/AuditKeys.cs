using System.Security.Cryptography;
using Federation.Audit.Data;
using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Federation.Audit.Checkpoints;

/// <summary>
/// The audit role's checkpoint keys, kept in its own database (the approach of the access role's visa keys):
/// created at first start under a fixed id, so replicas starting together collide on it and all use the one
/// that won; the newest signs, all are published. Until the database answers, <see cref="Ready"/> waits.
/// </summary>
public sealed class AuditKeys(IDbContextFactory<AuditDbContext> factory, ServiceDatabase<AuditDbContext> database, TimeProvider clock,
    ILogger<AuditKeys> log)
{
    public const string FirstKeyId = "audit-1";
    private volatile IReadOnlyList<(string Id, ECDsa Key)>? keys;
    private readonly SemaphoreSlim loading = new(1, 1);

    /// <summary>Loads the keys (creating the first), retrying until the database answers.</summary>
    public async Task<IReadOnlyList<(string Id, ECDsa Key)>> Ready(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (keys is null)
        {
            await database.WhenSchemaReady(cancellationToken);
            try
            {
                await Load(cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                log.LogWarning("Audit keys not loaded yet: {Error}", ex.Message);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
        return keys;
    }

    /// <summary>The key that signs new checkpoints.</summary>
    public async Task<(string Id, ECDsa Key)> Signing(CancellationToken cancellationToken) => (await Ready(cancellationToken))[0];

    /// <summary>Every key's public half, by key id. Throws <see cref="TimeoutException"/> (503) while the database is unreachable.</summary>
    public async Task<IReadOnlyDictionary<string, ECDsa>> Public(CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            return (await Ready(bounded.Token)).ToDictionary(k => k.Id, k => k.Key);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("The audit role's keys are not loaded yet (its database is not reachable).");
        }
    }

    private async Task Load(CancellationToken cancellationToken)
    {
        await loading.WaitAsync(cancellationToken);
        try
        {
            if (keys is not null)
                return;
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            if (!await db.Keys.AnyAsync(cancellationToken))
            {
                using var created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                db.Keys.Add(new AuditKey { Id = FirstKeyId, PrivateKeyPem = created.ExportPkcs8PrivateKeyPem(), CreatedAt = clock.GetUtcNow().UtcDateTime });
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException)
                {
                    // Another replica created the first key at the same moment: use the stored one.
                }
            }
            var stored = await db.Keys.AsNoTracking().ToListAsync(cancellationToken);
            keys = stored.OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id, StringComparer.Ordinal).Select(k =>
            {
                var key = ECDsa.Create();
                key.ImportFromPem(k.PrivateKeyPem);
                return (k.Id, key);
            }).ToList();
            log.LogInformation("Audit keys loaded: {Count}", keys.Count);
        }
        finally
        {
            loading.Release();
        }
    }
}
