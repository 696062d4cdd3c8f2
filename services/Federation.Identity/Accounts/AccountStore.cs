using System.Security.Cryptography;
using Federation.Contracts.Identity;
using Federation.Identity.Data;
using Federation.Identity.Domain;
using Federation.ServiceDefaults.Events;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Federation.Identity.Accounts;

/// <summary>People's accounts: creation (with its event, in one commit), lookup and password checks.</summary>
public sealed class AccountStore(IDbContextFactory<IdentityDbContext> factory, TimeProvider clock)
{
    private static readonly PasswordHasher<Account> Hasher = new();

    // Verifying against this when the user name is unknown keeps the answer time the same, so that
    // response times do not tell which user names exist.
    private static readonly string DecoyHash = Hasher.HashPassword(null!, "decoy-" + Guid.NewGuid());

    public async Task<Account?> FindActive(string? accountId)
    {
        if (string.IsNullOrEmpty(accountId))
            return null;
        await using var db = await factory.CreateDbContextAsync();
        return await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == accountId && !a.Disabled);
    }

    /// <summary>The account if the user name exists, is active and the password matches; null otherwise (never says which).</summary>
    public async Task<Account?> CheckPassword(string? userName, string? password, CancellationToken cancellationToken)
    {
        var normalized = Account.Normalize(userName ?? "");
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var account = normalized.Length is > 0 and <= Domain.AccountRules.UserNameLength
            ? await db.Accounts.FirstOrDefaultAsync(a => a.NormalizedUserName == normalized, cancellationToken)
            : null;
        var result = Hasher.VerifyHashedPassword(account!, account?.PasswordHash ?? DecoyHash, password ?? "");
        if (account is null || account.Disabled || result == PasswordVerificationResult.Failed)
            return null;
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            account.PasswordHash = Hasher.HashPassword(account, password!);
            await db.SaveChangesAsync(cancellationToken);
        }
        return account;
    }

    /// <summary>Creates an account with a generated password (returned once, stored only as a hash); null if the user name is taken.</summary>
    public async Task<(Account Account, string Password)?> Create(string userName, string displayName, string role,
        IReadOnlyList<string> dataHolders, string? node, EventStamp stamp, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var normalized = Account.Normalize(userName);
        if (await db.Accounts.AnyAsync(a => a.NormalizedUserName == normalized, cancellationToken))
            return null;

        var password = Secrets.New();
        var account = new Account
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()).ToString("N"),
            UserName = userName,
            NormalizedUserName = normalized,
            DisplayName = displayName,
            PasswordHash = "",
            Role = role,
            DataHolders = [.. dataHolders],
            Node = node,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        account.PasswordHash = Hasher.HashPassword(account, password);
        db.Accounts.Add(account);
        db.Publish(stamp.Stamp(new AccountCreated
        {
            AccountId = account.Id,
            UserName = account.UserName,
            Role = role,
            DataHolders = account.DataHolders,
            Node = node,
        }, account.Id, 1));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            await using var check = await factory.CreateDbContextAsync(cancellationToken);
            if (await check.Accounts.AnyAsync(a => a.NormalizedUserName == normalized, cancellationToken))
                return null; // created concurrently under the same name: the unique index decided
            throw;
        }
        return (account, password);
    }
}

/// <summary>Passwords and client secrets the system generates: 256 bits, URL-safe, shown once.</summary>
public static class Secrets
{
    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
