using Federation.Identity.Domain;
using Federation.Identity.Nodes;
using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace Federation.Identity.Data;

/// <summary>The identity role's own database: accounts, keys, OpenIddict's clients/authorizations/tokens, outbox and inbox.</summary>
public sealed class IdentityDbContext(DbContextOptions<IdentityDbContext> options) : ServiceDbContext(options)
{
    public DbSet<Account> Accounts => Set<Account>();

    public DbSet<StoredKey> Keys => Set<StoredKey>();

    public DbSet<NodeCredentialGrant> NodeGrants => Set<NodeCredentialGrant>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.UseOpenIddict();
        // Snake case like every other table (OpenIddict names its tables in Pascal case explicitly).
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreApplication>().ToTable("oidc_applications");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreAuthorization>().ToTable("oidc_authorizations");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreScope>().ToTable("oidc_scopes");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreToken>().ToTable("oidc_tokens");
        modelBuilder.Entity<Account>(e =>
        {
            e.ToTable("accounts");
            e.HasKey(a => a.Id);
            e.Property(a => a.Id).HasMaxLength(64);
            e.Property(a => a.UserName).HasMaxLength(AccountRules.UserNameLength);
            e.Property(a => a.NormalizedUserName).HasMaxLength(AccountRules.UserNameLength);
            e.HasIndex(a => a.NormalizedUserName).IsUnique();
            e.Property(a => a.DisplayName).HasMaxLength(AccountRules.DisplayNameLength);
            e.Property(a => a.PasswordHash).HasMaxLength(200);
            e.Property(a => a.Role).HasMaxLength(40);
            e.Property(a => a.Node).HasMaxLength(AccountRules.BindingLength);
            e.Property(a => a.DataHolders).AsCommaList(2000);
        });
        modelBuilder.Entity<StoredKey>(e =>
        {
            e.ToTable("keys");
            e.HasKey(k => k.Id);
            e.Property(k => k.Id).HasMaxLength(64);
            e.Property(k => k.Use).HasMaxLength(8);
            e.Property(k => k.PrivateKeyPem).HasMaxLength(8000);
        });
        modelBuilder.Entity<NodeCredentialGrant>(e =>
        {
            e.ToTable("node_grants");
            e.HasKey(g => g.Node);
            e.Property(g => g.Node).HasMaxLength(AccountRules.BindingLength);
            e.Property(g => g.RequestedBy).HasMaxLength(200);
            e.Property(g => g.Status).HasMaxLength(20);
            e.Property(g => g.IssuedTo).HasMaxLength(200);
            e.Property(g => g.Version).IsConcurrencyToken();
        });
    }
}
