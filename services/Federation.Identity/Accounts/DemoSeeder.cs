using System.Text.Json;
using Federation.Contracts;
using Federation.Identity.Data;
using Federation.Identity.Domain;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Hosting;
using Federation.ServiceDefaults.Persistence;
using Federation.ServiceDefaults.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Federation.Identity.Accounts;

/// <summary>
/// At start: the portal client always exists; with <c>SeedDemo</c>, one demo account per role (two
/// researchers, to try object-level rights) and a demo partner client too, their generated secrets
/// written to <c>&lt;data directory&gt;/demo-credentials.json</c>. Runs once per database.
/// </summary>
internal sealed class DemoSeeder(IServiceScopeFactory scopes, ServiceDatabase<IdentityDbContext> database, IdentitySettings settings,
    IOptions<FederationOptions> federation, IOptions<SecurityOptions> security, TimeProvider clock, ILogger<DemoSeeder> log) : BackgroundService
{
    public const string FileName = "demo-credentials.json";
    public const string PartnerClientId = "demo-partner";

    private static readonly (string UserName, string Role, string[] DataHolders, string? Node)[] People =
    [
        ("researcher", FederationRoles.Researcher, [], null),
        ("researcher2", FederationRoles.Researcher, [], null),
        ("dac", FederationRoles.DacMember, [DemoFederation.DataHolder], null),
        ("operator", FederationRoles.NodeOperator, [], "node-a"),
        ("admin", FederationRoles.PlatformAdmin, [], null),
        ("auditor", FederationRoles.Auditor, [], null),
    ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await database.WhenSchemaReady(stoppingToken);
                await Seed(stoppingToken);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning("Identity seeding not done yet: {Error}", ex.Message);
                await Task.Delay(delay, clock, stoppingToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
    }

    private async Task Seed(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var clients = scope.ServiceProvider.GetRequiredService<ClientRegistry>();
        await clients.EnsurePortal(cancellationToken);
        if (settings.SeedDemo != true)
            return;

        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        if (await db.Accounts.AnyAsync(a => a.NormalizedUserName == People[0].UserName, cancellationToken))
            return; // seeded before: the secrets were written then
        var accounts = scope.ServiceProvider.GetRequiredService<AccountStore>();
        var stamp = new EventStamp(Actor.System, Guid.NewGuid(), clock);

        var users = new List<object>();
        foreach (var (userName, role, holders, node) in People)
        {
            var created = await accounts.Create(userName, $"Demo {role} ({userName})", role, holders, node, stamp, cancellationToken)
                          ?? throw new InvalidOperationException($"Demo account {userName} exists partly; remove the identity database to seed again.");
            users.Add(new { userName, password = created.Password, role, dataHolders = holders, node, id = created.Account.Id });
        }
        var partnerScopes = FederationRoles.ScopesOf(FederationRoles.Partner);
        var secret = await clients.Register(PartnerClientId, "Demo partner system", ClientKind.Partner, null, partnerScopes, stamp, cancellationToken);

        var path = Path.Combine(Path.GetFullPath(federation.Value.DataDirectory), FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var document = new
        {
            note = "Generated at first start of the embedded federation. Demo only: these accounts are seeded when Federation:Identity:SeedDemo is on.",
            issuer = settings.Issuer,
            tokenEndpoint = settings.Issuer + "connect/token",
            authorizationEndpoint = settings.Issuer + "connect/authorize",
            audience = security.Value.Audience,
            portalClientId = IdentitySettings.PortalClientId,
            portalRedirectUri = settings.PortalRedirectUris[0],
            users,
            clients = new[] { new { clientId = PartnerClientId, clientSecret = secret, scopes = partnerScopes } },
        };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }), cancellationToken);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite); // secrets: owner only
        log.LogInformation("Demo accounts and client created; credentials written to {Path}", path);
    }
}
