using Federation.ServiceDefaults.Hosting;
using Microsoft.Extensions.Configuration;

namespace Federation.Identity;

/// <summary>The identity role's settings (<c>Federation:Identity</c>).</summary>
public sealed class IdentitySettings
{
    public const string Section = "Federation:Identity";

    /// <summary>
    /// The issuer URL (<c>iss</c>), as clients and APIs reach this role. Defaults to the first URL this
    /// process listens on (http://127.0.0.1:8080/ in the embedded default); must be set behind a proxy.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>
    /// Create the demo accounts and the demo partner client, and write their generated secrets to
    /// <c>&lt;data directory&gt;/demo-credentials.json</c>. Default: on in the embedded mode (no
    /// <c>ConnectionStrings:identity</c>), off in the distributed mode.
    /// </summary>
    public bool? SeedDemo { get; set; }

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Where the first-party portal client may be sent back with a code (default <c>&lt;issuer&gt;signed-in</c>).</summary>
    public List<string> PortalRedirectUris { get; set; } = [];

    public const string PortalClientId = "federation-portal";

    /// <summary>The broker's management API, through which each node gets its own broker user (unset in the embedded mode).</summary>
    public Nodes.BrokerSettings Broker { get; set; } = new();

    /// <summary>Reads and checks the settings; any problem stops start-up with one sentence.</summary>
    internal static IdentitySettings Read(IConfiguration configuration)
    {
        IdentitySettings settings;
        try
        {
            settings = configuration.GetSection(Section).Get<IdentitySettings>() ?? new IdentitySettings();
        }
        catch (InvalidOperationException ex)
        {
            throw new StartupConfigurationException($"Invalid Federation:Identity configuration: {ex.Message}");
        }

        var issuer = settings.Issuer ?? DefaultIssuer(configuration["urls"]);
        if (!Uri.TryCreate(issuer, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.Query))
            throw new StartupConfigurationException($"Federation:Identity:Issuer '{issuer}' is not an absolute http(s) URL without a query.");
        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
            throw new StartupConfigurationException("Federation:Identity:Issuer must use https unless it is a loopback address (TLS may end at the ingress, the issuer still says https).");
        settings.Issuer = uri.AbsoluteUri.EndsWith('/') ? uri.AbsoluteUri : uri.AbsoluteUri + "/";

        settings.SeedDemo ??= string.IsNullOrWhiteSpace(configuration.GetConnectionString(IdentityModule.Name));
        if (settings.PortalRedirectUris.Count == 0)
            settings.PortalRedirectUris.Add(settings.Issuer + "signed-in");
        foreach (var redirect in settings.PortalRedirectUris)
            if (!Uri.TryCreate(redirect, UriKind.Absolute, out _))
                throw new StartupConfigurationException($"Federation:Identity:PortalRedirectUris: '{redirect}' is not an absolute URL.");
        if (settings.AccessTokenLifetime <= TimeSpan.Zero || settings.AccessTokenLifetime > TimeSpan.FromHours(1))
            throw new StartupConfigurationException("Federation:Identity:AccessTokenLifetime must be positive and at most one hour.");
        if (settings.RefreshTokenLifetime <= TimeSpan.Zero)
            throw new StartupConfigurationException("Federation:Identity:RefreshTokenLifetime must be positive.");
        if (settings.Broker.ManagementUrl is { } management && (!management.IsAbsoluteUri || management.Scheme is not ("http" or "https")))
            throw new StartupConfigurationException("Federation:Identity:Broker:ManagementUrl must be an absolute http(s) URL such as http://admin:secret@rabbitmq:15672/.");
        return settings;
    }

    // "http://127.0.0.1:8080;http://[::1]:8080" → "http://127.0.0.1:8080/". A wildcard host cannot be an issuer.
    private static string DefaultIssuer(string? urls)
    {
        var first = (urls ?? FederationHost.DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
                    ?? FederationHost.DefaultUrl;
        if (first.Contains("://*", StringComparison.Ordinal) || first.Contains("://+", StringComparison.Ordinal) || first.Contains("://0.0.0.0", StringComparison.Ordinal))
            throw new StartupConfigurationException($"Federation:Identity:Issuer must be set: this process listens on '{first}', which names no host clients can reach.");
        return first;
    }
}
