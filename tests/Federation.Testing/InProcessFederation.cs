using System.Net;
using System.Net.Sockets;
using Federation.Host;
using Federation.ServiceDefaults.Hosting;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Testing;

/// <summary>
/// The Host's composition (same steps as Program.cs) run inside the test process on a real Kestrel
/// port: embedded mode by default (in-memory bus, SQLite in a temp directory), so tests can observe
/// traces and services directly.
/// </summary>
public sealed class InProcessFederation : IAsyncDisposable
{
    private InProcessFederation(WebApplication app, string directory, int port)
    {
        App = app;
        DataDirectory = directory;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    public WebApplication App { get; }

    public string DataDirectory { get; }

    /// <summary>Anonymous: for health, discovery and the refusals of protected routes.</summary>
    public HttpClient Client { get; }

    /// <summary>A client signed in as the demo user <paramref name="userName"/> through the login page (code + PKCE).</summary>
    public async Task<HttpClient> SignIn(string userName)
    {
        var tokens = await Oidc.SignInWithPkce(Client.BaseAddress!, await DemoCredentials.WaitFor(DataDirectory), userName);
        return Oidc.Bearer(Client.BaseAddress!, tokens.AccessToken);
    }

    public IServiceProvider Services => App.Services;

    /// <summary>
    /// Creates a person's account through the identity admin API (as the demo admin) and signs them in.
    /// Returns the client and the account's subject (the <c>sub</c> of their tokens).
    /// </summary>
    public Task<(HttpClient Client, string Subject)> SignInNewAccount(string userName, string role, params string[] dataHolders) =>
        SignInNewAccount(userName, role, dataHolders, node: null);

    /// <summary>The same for a node operator bound to <paramref name="node"/>.</summary>
    public Task<(HttpClient Client, string Subject)> SignInNewOperator(string userName, string node) =>
        SignInNewAccount(userName, "node-operator", [], node);

    private async Task<(HttpClient Client, string Subject)> SignInNewAccount(string userName, string role, string[] dataHolders, string? node)
    {
        using var admin = await SignIn("admin");
        using var response = await admin.PostAsJsonAsync("/api/identity/accounts", new { userName, role, dataHolders, node });
        response.EnsureSuccessStatusCode();
        var created = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var demo = await DemoCredentials.WaitFor(DataDirectory);
        var user = new DemoUser(userName, created["password"]!.GetValue<string>(), role, created["id"]!.GetValue<string>());
        var tokens = await Oidc.SignInWithPkce(Client.BaseAddress!, demo with { Users = [.. demo.Users, user] }, userName);
        return (Oidc.Bearer(Client.BaseAddress!, tokens.AccessToken), user.Id);
    }

    /// <param name="roles">The roles under test; the identity role is always added (it issues the tokens every API asks for).</param>
    public static Task<InProcessFederation> Start(string roles = "all", params string[] settings) => Start(roles, _ => { }, settings);

    /// <param name="services">Changes to the composed services before the host is built (e.g. a clock the test drives).</param>
    public static Task<InProcessFederation> Start(string roles, Action<IServiceCollection> services, params string[] settings) =>
        roles != "all" && !roles.Split(',').Contains("identity") ? StartExactly(roles + ",identity", services, settings) : StartExactly(roles, services, settings);

    /// <summary>
    /// Exactly <paramref name="roles"/>, without adding identity: a host that trusts an identity role elsewhere
    /// (<c>Federation:Security:Authority</c>), such as a node agent with its own, restricted broker user.
    /// </summary>
    public static async Task<InProcessFederation> StartExactly(string roles, Action<IServiceCollection> services, params string[] settings)
    {
        var directory = Directory.CreateTempSubdirectory("federation-inproc-").FullName;
        var port = FreePort();
        string[] args = ["--roles", roles, "--urls", $"http://127.0.0.1:{port}", $"--Federation:DataDirectory={directory}",
            "--Logging:LogLevel:Default=Warning", .. settings];

        var builder = FederationHost.CreateBuilder(args);
        var modules = builder.AddFederationDefaults(RoleCatalog.All);
        builder.AddModules(modules);
        services(builder.Services);
        var app = builder.Build();
        app.MapModules(modules);
        await app.StartAsync();
        var federation = new InProcessFederation(app, directory, port);
        await Eventually.Until(async () => (await federation.Client.GetAsync("/health/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(30),
            "the in-process federation to be ready");
        return federation;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
