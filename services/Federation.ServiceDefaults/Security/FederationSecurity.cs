using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Federation.ServiceDefaults.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Federation.ServiceDefaults.Security;

/// <summary>
/// Every API of every role accepts only federation access tokens: signed (RS256) by the identity
/// role, of type <c>at+jwt</c>, for the federation audience, unexpired within 30 s of skew, and
/// carrying the scope and role the endpoint asks for. Every endpoint is closed unless it says
/// otherwise (the fallback policy); health and discovery are the deliberate exceptions.
/// </summary>
public static class FederationSecurity
{
    public const string WritePolicy = "federation-writes";

    /// <summary>The rate-limit policy of token requests and login attempts (applied by path, before authentication).</summary>
    private static readonly PathString[] CredentialPaths = ["/connect/token", "/account/login"];

    public static IHostApplicationBuilder AddFederationSecurity(this IHostApplicationBuilder builder)
    {
        var options = ReadOptions(builder.Configuration);
        var services = builder.Services;
        services.Configure<SecurityOptions>(builder.Configuration.GetSection(SecurityOptions.Section));

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IServiceProvider>((jwt, sp) =>
        {
            jwt.MapInboundClaims = false;
            // A client's token is checked in full once, then remembered while it and its signing key stay valid.
            jwt.TokenHandlers.Clear();
            jwt.TokenHandlers.Add(new RememberingTokenHandler(sp.GetService<TimeProvider>() ?? TimeProvider.System) { MapInboundClaims = false });
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidAudience = options.Audience,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ValidateIssuerSigningKey = true,
                ClockSkew = options.ClockSkew,
                // Only access tokens: an ID token or a refresh token presented as a bearer token is refused.
                ValidTypes = ["at+jwt"],
                ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
                NameClaimType = FederationClaims.Name,
                RoleClaimType = FederationClaims.Role,
            };
            if (sp.GetService<IIdentityKeySource>() is { } local)
            {
                // Identity runs here: its keys are read directly, no HTTP round trip to ourselves.
                jwt.TokenValidationParameters.ValidIssuer = local.Issuer;
                jwt.TokenValidationParameters.IssuerSigningKeyResolver = (_, _, _, _) => local.VerificationKeys();
            }
            else
            {
                var authority = new Uri(options.Authority!);
                jwt.Authority = authority.ToString();
                jwt.RequireHttpsMetadata = authority.Scheme == Uri.UriSchemeHttps || !authority.IsLoopback;
                // A key rotated in at the identity role is fetched at once when a token names an unknown kid.
                jwt.RefreshOnIssuerKeyNotFound = true;
                jwt.AutomaticRefreshInterval = TimeSpan.FromHours(1);
            }
        });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        services.AddSingleton<SecurityEventRecorder>();

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = (int)HttpStatusCode.TooManyRequests;
            o.AddPolicy(WritePolicy, http => RateLimitPartition.GetTokenBucketLimiter(CallerOf(http), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.WritesPerSecond * 2,
                TokensPerPeriod = options.WritesPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
            }));
        });
        return builder;
    }

    /// <summary>Start-up check once the modules are added: without a local identity role, an authority must be named.</summary>
    public static void RequireAuthorityUnlessLocal(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(IIdentityKeySource)))
            return;
        if (string.IsNullOrWhiteSpace(builder.Configuration[$"{SecurityOptions.Section}:{nameof(SecurityOptions.Authority)}"]))
            throw new StartupConfigurationException(
                "Federation:Security:Authority must name the identity role's URL (for example http://identity:8080/) when the identity role does not run in this process.");
    }

    /// <summary>Credential throttling first (the token endpoint is answered inside authentication), then authentication, authorization and write limits.</summary>
    public static WebApplication UseFederationSecurity(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        // Not UseRateLimiter: that middleware would also enforce the endpoint's write policy here, before the caller is known.
        var credentialLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            RateLimitPartition.GetFixedWindowLimiter(AddressOf(http), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = options.TokenRequestsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            }));
        // Outermost, so that it sees the final status of every refusal below it (throttled, unauthenticated, forbidden).
        var security = app.Services.GetRequiredService<SecurityEventRecorder>();
        app.Use(async (http, next) =>
        {
            await next(http);
            security.Observe(http);
        });
        app.Use(async (http, next) =>
        {
            if (IsCredentialRequest(http.Request))
            {
                using var lease = credentialLimiter.AttemptAcquire(http);
                if (!lease.IsAcquired)
                {
                    http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                    http.Response.Headers.RetryAfter = "60";
                    return;
                }
            }
            await next(http);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>Requires an authenticated caller holding <paramref name="scope"/> and, when given, one of <paramref name="roles"/>.</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder endpoints, string scope, params string[] roles) where TBuilder : IEndpointConventionBuilder =>
        endpoints.WithMetadata(new RequiredScope(scope, roles)).RequireAuthorization(policy =>
        {
            policy.RequireAuthenticatedUser();
            policy.RequireAssertion(context => context.User.HasScope(scope));
            if (roles.Length > 0)
                policy.RequireClaim(FederationClaims.Role, roles);
        });

    /// <summary>Any caller with a valid federation access token, whatever its scope and role (who-am-I style endpoints).</summary>
    public static TBuilder RequireCaller<TBuilder>(this TBuilder endpoints) where TBuilder : IEndpointConventionBuilder =>
        endpoints.WithMetadata(new RequiredScope(null, [])).RequireAuthorization(policy => policy.RequireAuthenticatedUser());

    /// <summary>A write endpoint: limited per caller.</summary>
    public static TBuilder LimitedAsWrite<TBuilder>(this TBuilder endpoints) where TBuilder : IEndpointConventionBuilder =>
        endpoints.RequireRateLimiting(WritePolicy);

    /// <summary>Whether the token grants <paramref name="scope"/> (one space-separated claim or one claim per scope).</summary>
    public static bool HasScope(this ClaimsPrincipal user, string scope) =>
        user.FindAll(FederationClaims.Scope).Any(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal));

    /// <summary>The data holders a DAC member decides for.</summary>
    public static IReadOnlySet<string> DataHolders(this ClaimsPrincipal user) =>
        user.FindAll(FederationClaims.DataHolder).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>The node a node operator or node agent is bound to, if any.</summary>
    public static string? NodeOf(this ClaimsPrincipal user) => user.FindFirst(FederationClaims.Node)?.Value;

    private static bool IsCredentialRequest(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && CredentialPaths.Any(p => request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));

    private static string CallerOf(HttpContext http) =>
        http.User.FindFirst(FederationClaims.Subject)?.Value ?? http.User.FindFirst(FederationClaims.ClientId)?.Value ?? AddressOf(http);

    private static string AddressOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static SecurityOptions ReadOptions(IConfiguration configuration)
    {
        SecurityOptions options;
        try
        {
            options = configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
        }
        catch (InvalidOperationException ex)
        {
            throw new StartupConfigurationException($"Invalid Federation:Security configuration: {ex.Message}");
        }
        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromSeconds(30))
            throw new StartupConfigurationException("Federation:Security:ClockSkew must be between 00:00:00 and 00:00:30.");
        if (options.TokenRequestsPerMinute <= 0 || options.WritesPerSecond <= 0)
            throw new StartupConfigurationException("Federation:Security:TokenRequestsPerMinute and WritesPerSecond must be positive.");
        if (options.AuditWindow <= TimeSpan.Zero || options.AuditMaxKeysPerWindow < 1)
            throw new StartupConfigurationException("Federation:Security:AuditWindow must be longer than zero and AuditMaxKeysPerWindow at least 1.");
        if (string.IsNullOrWhiteSpace(options.Audience))
            throw new StartupConfigurationException("Federation:Security:Audience must not be empty.");
        if (!string.IsNullOrWhiteSpace(options.Authority))
        {
            if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("http" or "https"))
                throw new StartupConfigurationException($"Federation:Security:Authority '{options.Authority}' is not an absolute http(s) URL.");
            if (authority.Scheme == Uri.UriSchemeHttp && !authority.IsLoopback)
                throw new StartupConfigurationException("Federation:Security:Authority must use https unless it is a loopback address.");
        }
        return options;
    }
}
