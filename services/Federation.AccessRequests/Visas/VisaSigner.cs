using System.Security.Cryptography;
using Federation.AccessRequests.Data;
using Federation.AccessRequests.Entitlements;
using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Federation.AccessRequests.Visas;

/// <summary>
/// The access role's visa keys, kept in its own database (created at first start, shared by replicas,
/// surviving restarts): the newest signs, all are published so that visas signed before a new key
/// appeared still verify. Until the database answers, signing throws <see cref="TimeoutException"/> (503).
/// </summary>
public sealed class VisaSigner(
    IDbContextFactory<AccessDbContext> factory, ServiceDatabase<AccessDbContext> database, TimeProvider clock, ILogger<VisaSigner> log) : IHostedService
{
    private const string FirstKeyId = "visa-1";
    private volatile IReadOnlyList<RsaSecurityKey>? keys;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Load now if the schema is there, so that the first request finds the keys; otherwise keep trying in
        // the background: start-up must not wait for a database that may come later (readiness says so meanwhile).
        if (database.IsSchemaReady && await TryLoad())
            return;
        _ = Task.Run(async () =>
        {
            var delay = TimeSpan.FromMilliseconds(250);
            while (keys is null && !stopping.IsCancellationRequested)
            {
                await database.WhenSchemaReady(stopping.Token);
                if (await TryLoad())
                    return;
                await Task.Delay(delay, stopping.Token);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }, CancellationToken.None);
    }

    private readonly CancellationTokenSource stopping = new();

    private async Task<bool> TryLoad()
    {
        try
        {
            await Load();
            return true;
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            // Any failure (database not there yet, a damaged key) is logged and retried, never silently ends the loop.
            log.LogWarning("Visa keys not loaded yet: {Error}", ex.Message);
            return false;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        stopping.Cancel();
        return Task.CompletedTask;
    }

    public string Sign(Entitlement entitlement, string issuer, string keysUrl, DateTimeOffset now) =>
        VisaFormat.Sign(entitlement, Current()[0], issuer, keysUrl, now);

    public IReadOnlyList<Dictionary<string, string>> PublicKeys() => Current().Select(VisaFormat.PublicJwk).ToList();

    private IReadOnlyList<RsaSecurityKey> Current() =>
        keys ?? throw new TimeoutException("The access role's visa keys are not loaded yet (its database is not reachable).");

    private async Task Load()
    {
        await using var db = await factory.CreateDbContextAsync();
        if (!await db.VisaKeys.AnyAsync())
        {
            using var rsa = RSA.Create(2048);
            db.VisaKeys.Add(new VisaKey
            {
                // A fixed id for the first key: replicas starting together collide on it and all use the one that won.
                Id = FirstKeyId,
                PrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem(),
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            });
            try
            {
                await db.SaveChangesAsync();
            }
            catch (DbUpdateException)
            {
                // Another replica created the first key at the same moment: use the stored one.
            }
        }
        var stored = await db.VisaKeys.AsNoTracking().ToListAsync();
        keys = stored.OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id, StringComparer.Ordinal).Select(k =>
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(k.PrivateKeyPem);
            return new RsaSecurityKey(rsa) { KeyId = k.Id };
        }).ToList();
        log.LogInformation("Visa keys loaded: {Count}", keys.Count);
    }
}
