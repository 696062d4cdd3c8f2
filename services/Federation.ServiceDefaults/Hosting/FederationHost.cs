using Federation.ServiceDefaults.Http;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using Federation.ServiceDefaults.Security;
using Federation.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Federation.ServiceDefaults.Hosting;

/// <summary>The steps every federation process takes, whatever roles it runs.</summary>
public static class FederationHost
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    private static readonly Dictionary<string, string> Switches = new() { ["--roles"] = "Federation:Roles" };

    /// <summary>A web application builder that understands <c>--roles</c> and listens on 127.0.0.1:8080 unless told otherwise.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddCommandLine(args, Switches);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaultsUrlsKey]))
            builder.WebHost.UseUrls(DefaultUrl);
        return builder;
    }

    private const string WebHostDefaultsUrlsKey = "urls";

    /// <summary>
    /// How this process reaches itself over HTTP (the first URL it listens on, a wildcard host read as loopback):
    /// the default where one role calls another that runs in the same process (the embedded federation).
    /// </summary>
    public static Uri OwnUrl(IConfiguration configuration)
    {
        var first = (configuration[WebHostDefaultsUrlsKey] ?? DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault() ?? DefaultUrl;
        foreach (var wildcard in new[] { "://*", "://+", "://0.0.0.0", "://[::]" })
            first = first.Replace(wildcard, "://127.0.0.1", StringComparison.Ordinal);
        return new Uri(first.EndsWith('/') ? first : first + "/");
    }

    /// <summary>Picks the modules named by <c>Federation:Roles</c> and adds what every role needs.</summary>
    public static IReadOnlyList<IFederationModule> AddFederationDefaults(this WebApplicationBuilder builder, IReadOnlyList<RoleDefinition> catalog)
    {
        var options = ReadOptions(builder.Configuration);
        var modules = RoleSelection.Select(options.Roles, catalog);
        builder.Services.Configure<FederationOptions>(builder.Configuration.GetSection(FederationOptions.Section));
        builder.Services.Configure<OutboxOptions>(builder.Configuration.GetSection(OutboxOptions.Section));
        builder.Services.AddSingleton(new ActiveRoles(modules.Select(m => m.Role).ToList()));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHealthChecks();
        builder.AddFederationTelemetry(modules.Select(m => m.Role));
        if (ServeApi(modules, builder.Configuration))
        {
            builder.AddFederationHttp(options);
            builder.AddFederationSecurity();
        }
        return modules;
    }

    /// <summary>Adds each module's services, then one bus carrying every module's consumers.</summary>
    public static void AddModules(this WebApplicationBuilder builder, IReadOnlyList<IFederationModule> modules)
    {
        foreach (var module in modules)
            module.AddServices(builder);
        // After the modules' stores: hosted services stop in reverse order, so the last window of security events is
        // written while the store's commit loop still runs. Only where an API is served: nothing else refuses requests.
        if (ServeApi(modules, builder.Configuration))
            builder.Services.AddHostedService<SecurityEventPublisher>();
        builder.AddFederationMessaging(bus =>
        {
            foreach (var module in modules)
                module.AddConsumers(bus);
        });
        if (ServeApi(modules, builder.Configuration))
            builder.RequireAuthorityUnlessLocal();
    }

    public static void MapModules(this WebApplication app, IReadOnlyList<IFederationModule> modules)
    {
        var serving = ServeApi(modules, app.Configuration);
        if (serving)
        {
            app.UseFederationHttp();
            app.UseFederationSecurity();
        }
        app.MapHealthEndpoints();
        foreach (var module in modules.Where(m => serving && m.ServesApi(app.Configuration)))
            module.MapEndpoints(app);
    }

    // A process that serves no API (node agents) does not load, configure or JIT the API plumbing: the node agent's
    // memory budget (issue 7) is mostly code and libraries, not data.
    private static bool ServeApi(IReadOnlyList<IFederationModule> modules, IConfiguration configuration) => modules.Any(m => m.ServesApi(configuration));

    private static FederationOptions ReadOptions(IConfiguration configuration)
    {
        FederationOptions options;
        try
        {
            options = configuration.GetSection(FederationOptions.Section).Get<FederationOptions>() ?? new FederationOptions();
            configuration.GetSection(OutboxOptions.Section).Get<OutboxOptions>();
            configuration.GetSection(MessagingOptions.Section).Get<MessagingOptions>();
        }
        catch (InvalidOperationException ex)
        {
            throw new StartupConfigurationException($"Invalid configuration: {ex.Message}");
        }
        if (options.MaxRequestBodyBytes <= 0)
            throw new StartupConfigurationException("Federation:MaxRequestBodyBytes must be a positive number of bytes.");
        return options;
    }
}
