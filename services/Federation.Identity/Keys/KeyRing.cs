using System.Data.Common;
using System.Security.Cryptography;
using Federation.Identity.Data;
using Federation.Identity.Domain;
using Federation.ServiceDefaults.Persistence;
using Federation.ServiceDefaults.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace Federation.Identity.Keys;

/// <summary>
/// The identity role's signing and encryption keys, kept in its database (created on first start,
/// shared by every replica, surviving restarts) and rotatable: <see cref="Rotate"/> adds a new signing
/// key that signs from then on while the previous one keeps verifying the tokens it signed.
/// Also the local <see cref="IIdentityKeySource"/> for APIs in this process.
/// </summary>
public sealed class KeyRing(
    IDbContextFactory<IdentityDbContext> factory,
    ServiceDatabase<IdentityDbContext> database,
    IOptionsMonitorCache<OpenIddictServerOptions> serverOptions,
    TimeProvider clock,
    IdentitySettings settings,
    ILogger<KeyRing> log) : IIdentityKeySource, IHostedService
{
    private const int KeyBits = 2048;
    private volatile Loaded? loaded;

    private sealed record Loaded(IReadOnlyList<RsaSecurityKey> Signing, IReadOnlyList<RsaSecurityKey> Encryption);

    public string Issuer => settings.Issuer!;

    public IReadOnlyList<SecurityKey> VerificationKeys() => Current().Signing;

    /// <summary>Newest first: OpenIddict signs with the first and accepts all.</summary>
    internal IReadOnlyList<RsaSecurityKey> SigningKeys => Current().Signing;

    internal IReadOnlyList<RsaSecurityKey> EncryptionKeys => Current().Encryption;

    public bool IsLoaded => loaded is not null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Load now if the schema is there (the migrator's first attempt ran just before), so that the
        // first request finds the keys; otherwise keep trying in the background (not ready meanwhile).
        if (database.IsSchemaReady)
        {
            try
            {
                await Reload(cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is DbException or DbUpdateException or TimeoutException or InvalidOperationException)
            {
                log.LogWarning("Identity keys not loaded yet: {Error}", ex.Message);
            }
        }
        _ = Task.Run(async () =>
        {
            var delay = TimeSpan.FromMilliseconds(250);
            while (!cancellationToken.IsCancellationRequested && loaded is null)
            {
                try
                {
                    await database.WhenSchemaReady(CancellationToken.None);
                    await Reload(CancellationToken.None);
                    return;
                }
                catch (Exception ex) when (ex is DbException or DbUpdateException or TimeoutException or InvalidOperationException)
                {
                    log.LogWarning("Identity keys not loaded yet: {Error}", ex.Message);
                    await Task.Delay(delay, clock, CancellationToken.None);
                    delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
                }
            }
        }, CancellationToken.None);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Adds a new signing key; it signs from now on in this process (other replicas take it at their next start or reload).</summary>
    public async Task<string> Rotate(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var key = NewKey(StoredKey.Signing);
        db.Keys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        await Reload(cancellationToken);
        log.LogInformation("Signing key {Kid} rotated in", key.Id);
        return key.Id;
    }

    private Loaded Current() =>
        loaded ?? throw new TimeoutException("The identity role's keys are not loaded yet (its database is not reachable).");

    private async Task Reload(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var keys = await db.Keys.AsNoTracking().Where(k => k.RetiredAt == null).ToListAsync(cancellationToken);
        var missing = new[] { StoredKey.Signing, StoredKey.Encryption }.Where(use => keys.All(k => k.Use != use)).ToList();
        if (missing.Count > 0)
        {
            foreach (var use in missing)
            {
                // The first key of each use has a fixed id: replicas starting together collide on it and all use the one that won.
                var first = !await db.Keys.AnyAsync(k => k.Use == use, cancellationToken);
                db.Keys.Add(NewKey(use, first ? $"{use}-1" : null));
            }
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another replica created the first keys at the same moment: use the stored ones.
            }
            keys = await db.Keys.AsNoTracking().Where(k => k.RetiredAt == null).ToListAsync(cancellationToken);
        }
        loaded = new Loaded(ToKeys(keys, StoredKey.Signing), ToKeys(keys, StoredKey.Encryption));
        // OpenIddict reads its credentials from its options: drop the cached ones so the next request rebuilds them.
        serverOptions.TryRemove(Options.DefaultName);
        log.LogInformation("Identity keys loaded: {Signing} signing, {Encryption} encryption", loaded.Signing.Count, loaded.Encryption.Count);
    }

    private static List<RsaSecurityKey> ToKeys(IEnumerable<StoredKey> keys, string use) =>
        keys.Where(k => k.Use == use)
            .OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id, StringComparer.Ordinal)
            .Select(k =>
            {
                var rsa = RSA.Create();
                rsa.ImportFromPem(k.PrivateKeyPem);
                return new RsaSecurityKey(rsa) { KeyId = k.Id };
            })
            .ToList();

    private StoredKey NewKey(string use, string? id = null)
    {
        using var rsa = RSA.Create(KeyBits);
        return new StoredKey
        {
            Id = id ?? Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)),
            Use = use,
            PrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem(),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
    }
}
