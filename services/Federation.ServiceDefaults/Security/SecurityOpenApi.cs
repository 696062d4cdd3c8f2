using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Federation.ServiceDefaults.Security;

/// <summary>
/// What an endpoint demands of a token, as metadata: read by OpenAPI (and so by outside tools and the
/// security suite). A null scope and no roles mean any valid federation access token.
/// </summary>
public sealed record RequiredScope(string? Scope, IReadOnlyList<string> Roles);

/// <summary>
/// Publishes the security schemes in the OpenAPI document: OAuth 2 (authorization code + PKCE for
/// people, client credentials for machines) and bearer JWT, and on every protected operation the
/// scope it needs plus <c>x-federation-roles</c>, the roles allowed to call it.
/// </summary>
internal static class SecurityOpenApi
{
    public const string OAuth2 = "oauth2";
    public const string RolesExtension = "x-federation-roles";

    public static void AddSecurityDocumentation(this OpenApiOptions options, Func<string?> issuer)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            var baseUri = new Uri(issuer() ?? "http://127.0.0.1:8080/");
            var scopes = FederationScopes.All.ToDictionary(s => s, s => $"the {s} API");
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[OAuth2] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.OAuth2,
                Description = "Federation access tokens (JWT, typ at+jwt, aud federation) from the identity role.",
                Flows = new OpenApiOAuthFlows
                {
                    AuthorizationCode = new OpenApiOAuthFlow
                    {
                        AuthorizationUrl = new Uri(baseUri, "connect/authorize"),
                        TokenUrl = new Uri(baseUri, "connect/token"),
                        RefreshUrl = new Uri(baseUri, "connect/token"),
                        Scopes = scopes,
                    },
                    ClientCredentials = new OpenApiOAuthFlow { TokenUrl = new Uri(baseUri, "connect/token"), Scopes = scopes },
                },
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var required = context.Description.ActionDescriptor.EndpointMetadata.OfType<RequiredScope>().LastOrDefault();
            if (required is null)
                return Task.CompletedTask;
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(OAuth2, context.Document)] = required.Scope is null ? [] : [required.Scope],
            });
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions[RolesExtension] = new JsonNodeExtension(new JsonArray([.. required.Roles.Select(r => (JsonNode)r!)]));
            operation.Responses ??= new OpenApiResponses();
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No valid federation access token" });
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The token lacks the scope or role" });
            return Task.CompletedTask;
        });
    }
}
