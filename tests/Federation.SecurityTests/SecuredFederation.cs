using Federation.AccessRequests.Data;
using Federation.Identity.Data;
using Federation.ServiceDefaults.Security;
using Federation.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Json;
using Xunit;

namespace Federation.SecurityTests;

/// <summary>
/// Every role in one process (embedded), real Kestrel, real identity role. Write limits are raised so
/// the suites test authentication, authorization and validation, not the throttle (RateLimitTests does that).
/// </summary>
public sealed class SecuredFederation : IAsyncLifetime
{
    private readonly Dictionary<string, HttpClient> signedIn = [];

    public InProcessFederation Federation { get; private set; } = null!;

    public RouteCatalogue Routes { get; private set; } = null!;

    public TokenForge Forge { get; private set; } = null!;

    /// <summary>An access request of the demo researcher: the object other callers must not reach.</summary>
    public Guid ResearchersRequest { get; private set; }

    /// <summary>A dataset whose conditions the demo DAC member (hospital-a) set: other holders must not reach them.</summary>
    public const string HoldersDataset = "ds-suite-owned";

    /// <summary>The object of someone else that a route's path parameter should name in the "another user's object" case.</summary>
    public string OthersObjectFor(Route route) =>
        route.Template.StartsWith("/api/consent/datasets/", StringComparison.Ordinal) ? HoldersDataset : ResearchersRequest.ToString();

    public async Task InitializeAsync()
    {
        Federation = await InProcessFederation.Start("all", "--Federation:Security:WritesPerSecond=1000000");
        Routes = await RouteCatalogue.Read(Federation.Client);
        var keys = Federation.Services.GetRequiredService<IIdentityKeySource>();
        Forge = new TokenForge(keys.Issuer, keys.VerificationKeys()[0]);
        ResearchersRequest = await (await As(FederationRoles.Researcher)).CreateDraft("The researcher's own", "ds-own");
        using var set = await (await As(FederationRoles.DacMember)).PutAsJsonAsync($"/api/consent/datasets/{HoldersDataset}/conditions",
            new { dataHolder = "hospital-a", permission = "DUO:0000042", modifiers = new[] { new { id = "DUO:0000019" } } });
        set.EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        foreach (var client in signedIn.Values)
            client.Dispose();
        await Federation.DisposeAsync();
    }

    /// <summary>A client signed in (login page, code + PKCE) as the demo person holding <paramref name="role"/>.</summary>
    public async Task<HttpClient> As(string role)
    {
        var user = DemoUserOf(role);
        if (!signedIn.TryGetValue(user, out var client))
            signedIn[user] = client = await Federation.SignIn(user);
        return client;
    }

    /// <summary>Counts go to the test's output and to the console, so CI's log shows them for passing runs too.</summary>
    public static void Report(Xunit.Abstractions.ITestOutputHelper output, string line)
    {
        output.WriteLine(line);
        Console.WriteLine(line);
    }

    public static string DemoUserOf(string role) => role switch
    {
        FederationRoles.Researcher => "researcher",
        FederationRoles.DacMember => "dac",
        FederationRoles.NodeOperator => "operator",
        FederationRoles.PlatformAdmin => "admin",
        FederationRoles.Auditor => "auditor",
        _ => throw new ArgumentException($"No demo person holds role {role}."),
    };

    private const string DemoNode = global::Federation.ServiceDefaults.Hosting.DemoFederation.Node;

    /// <summary>Everything a refused request must leave untouched: committed state changes, accounts, clients, keys.</summary>
    public async Task<(long, int, int, int, int, int, int, int, long, int, int)> Fingerprint()
    {
        var access = Federation.Services.GetRequiredService<IDbContextFactory<AccessDbContext>>();
        var identity = Federation.Services.GetRequiredService<IDbContextFactory<IdentityDbContext>>();
        await using var a = await access.CreateDbContextAsync();
        await using var i = await identity.CreateDbContextAsync();
        await using var c = await Federation.Services.GetRequiredService<IDbContextFactory<Federation.Consent.Data.ConsentDbContext>>().CreateDbContextAsync();
        await using var compute = await Federation.Services.GetRequiredService<IDbContextFactory<Federation.Compute.Data.ComputeDbContext>>().CreateDbContextAsync();
        return (await a.AccessRequests.SumAsync(r => r.Version), await i.Accounts.CountAsync(),
            await i.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication>().CountAsync(), await i.Keys.CountAsync(),
            await c.Conditions.CountAsync(), await a.ReviewPolicies.CountAsync(), await a.Entitlements.CountAsync(),
            await c.Withdrawals.CountAsync(),
            // The demo node's own enrolment and heartbeats change on their own schedule: every other node counts.
            await compute.Nodes.Where(n => n.Name != DemoNode).SumAsync(n => n.Version), await i.NodeGrants.CountAsync(g => g.Node != DemoNode),
            await compute.Tasks.CountAsync());
    }
}
