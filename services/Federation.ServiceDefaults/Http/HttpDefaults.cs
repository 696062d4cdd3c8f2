using System.Text.Json;
using System.Text.Json.Serialization;
using Federation.ServiceDefaults.Hosting;
using Federation.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Federation.ServiceDefaults.Http;

public static class HttpDefaults
{
    /// <summary>
    /// ProblemDetails for every error, strict JSON (unknown fields are refused, so a typo in a field
    /// name is a 400 rather than a silently ignored value), a body-size limit, and the event stamp.
    /// </summary>
    public static IHostApplicationBuilder AddFederationHttp(this IHostApplicationBuilder builder, FederationOptions options)
    {
        var services = builder.Services;
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            // Replace the framework's RFC links by our stable types, so clients branch on one vocabulary.
            if (ctx.ProblemDetails.Type is null || ctx.ProblemDetails.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
                ctx.ProblemDetails.Type = ProblemTypes.ForStatus(ctx.ProblemDetails.Status ?? ctx.HttpContext.Response.StatusCode);
            ctx.ProblemDetails.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? ctx.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<FederationExceptionHandler>();
        services.Configure<JsonOptions>(o => Configure(o.SerializerOptions));
        // Binding failures throw so that FederationExceptionHandler can say what was wrong (the default is an empty 400).
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        services.AddHttpContextAccessor();
        services.AddScoped(EventStamps.FromHttpContext);
        // The issuer the identity role announces, or the authority this process trusts: where tools get tokens.
        services.AddOpenApi(o => o.AddSecurityDocumentation(() => builder.Configuration["Federation:Identity:Issuer"] ?? builder.Configuration["Federation:Security:Authority"] ?? FirstUrl(builder.Configuration["urls"])));
        return builder;
    }

    private static string? FirstUrl(string? urls) => urls?.Split(';', StringSplitOptions.RemoveEmptyEntries)[0].TrimEnd('/') + "/";

    /// <summary>The JSON rules every API and message body shares.</summary>
    public static void Configure(JsonSerializerOptions json)
    {
        json.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        json.MaxDepth = 32;
        json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
    }

    public static WebApplication UseFederationHttp(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi().AllowAnonymous(); // outside tools and fuzzers read it without a token
        return app;
    }
}
