using System.Data.Common;
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
    private volatile IReadOnlyList<RsaSecurityKey>? keys;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // In the background: start-up must not wait for a database that may come later (readiness says so meanwhile).
        _ = Task.Run(async () =>
        {
            var delay = TimeSpan.FromMilliseconds(250);
            while (keys is null && !cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await database.WhenSchemaReady(CancellationToken.None);
                    await Load();
                }
                catch (Exception ex) when (ex is DbException or DbUpdateException or TimeoutException or InvalidOperationException)
                {
                    log.LogWarning("Visa keys not loaded yet: {Error}", ex.Message);
                    await Task.Delay(delay, CancellationToken.None);
                    delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
                }
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

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
                Id = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)),
                PrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem(),
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            });
            try
            {
                await db.SaveChangesAsync();
            }
            catch (DbUpdateException)
            {
                // Another replica created its key at the same moment: use whatever is stored now.
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
