using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Federation.SecurityTests;

/// <summary>One operation of the published OpenAPI document, with what it demands of a token.</summary>
/// <param name="Secured">Declares the OAuth 2 requirement; <paramref name="Scope"/> null and no <paramref name="Roles"/>: any valid token.</param>
public sealed record Route(string Method, string Template, bool Secured, string? Scope, IReadOnlyList<string> Roles, JsonObject? BodySchema)
{
    /// <summary>A role the route accepts (any role when it names none).</summary>
    public string AcceptedRole => Roles.Count > 0 ? Roles[0] : Federation.ServiceDefaults.Security.FederationRoles.Researcher;

    /// <summary>The scopes of a token the route accepts.</summary>
    public IReadOnlyList<string> AcceptedScopes => Scope is null ? [] : [Scope];

    public bool IsWrite => Method is "POST" or "PUT" or "PATCH" or "DELETE";

    public bool HasPathParameters => Template.Contains('{');

    /// <summary>The concrete path, every path parameter replaced by <paramref name="id"/>.</summary>
    public string PathWith(string id) => System.Text.RegularExpressions.Regex.Replace(Template, "{[^}]+}", id);

    public override string ToString() => $"{Method} {Template}";
}

/// <summary>
/// The routes to attack, read from <c>/openapi/v1.json</c> exactly as an outside fuzzer would: so a
/// new endpoint is covered the day it is published, without anyone adding it here.
/// </summary>
public sealed class RouteCatalogue(IReadOnlyList<Route> routes, JsonObject document)
{
    public IReadOnlyList<Route> All => routes;

    public JsonObject Document => document;

    public static async Task<RouteCatalogue> Read(HttpClient anonymous)
    {
        var document = (await anonymous.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var routes = new List<Route>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operationNode) in item!.AsObject())
            {
                if (operationNode is not JsonObject operation || method == "parameters")
                    continue;
                var requirement = operation["security"]?.AsArray().Select(r => r!["oauth2"]).FirstOrDefault(r => r is not null)?.AsArray();
                var scope = requirement?.FirstOrDefault()?.GetValue<string>();
                var roles = operation["x-federation-roles"]?.AsArray().Select(r => r!.GetValue<string>()).ToList() ?? [];
                var schema = operation["requestBody"]?["content"]?["application/json"]?["schema"] is JsonObject s ? Resolve(document, s) : null;
                routes.Add(new Route(method.ToUpperInvariant(), path, requirement is not null, scope, roles, schema));
            }
        }
        return new RouteCatalogue(routes, document);
    }

    public static JsonObject Resolve(JsonObject document, JsonObject schema) =>
        schema["$ref"]?.GetValue<string>() is { } reference
            ? document["components"]!["schemas"]![reference.Split('/')[^1]]!.AsObject()
            : schema;
}
