using System.Net;
using System.Net.Http.Headers;
using Federation.ServiceDefaults.Security;
using Xunit;
using Xunit.Abstractions;

namespace Federation.SecurityTests;

/// <summary>
/// For every route in the OpenAPI document, generated cases that must be refused (401 without a
/// valid token, 403 without the scope or role, 403/404 for another user's object), never 2xx or 5xx,
/// always as ProblemDetails, and with nothing written. A positive control per route proves the
/// forged tokens fail for the one reason each case names, not by accident.
/// </summary>
public sealed class AccessControlSuite(SecuredFederation federation, ITestOutputHelper output) : IClassFixture<SecuredFederation>
{
    private sealed record Case(string Name, Func<Route, Task<string?>> Token, HttpStatusCode[] Expected, bool OthersObject = false, bool NeedsScopeOrRole = false,
        Func<Route, bool>? AppliesTo = null);

    /// <summary>
    /// Open to anyone on purpose: federated search answers anonymous callers at boolean granularity (Beacon v2); a
    /// node's upload of a moved dataset carries the transfer's own capability instead of a token (checked below).
    /// </summary>
    private static readonly HashSet<string> AnonymousByDesign =
        ["POST /api/search", "POST /api/beacon/individuals", "GET /ga4gh/tes/v1/service-info", "PUT /api/transfers/{id}/files/{name}"];

    private IEnumerable<Route> Protected => federation.Routes.All.Where(r => !AnonymousByDesign.Contains(r.ToString()));

    [Fact]
    public void Every_published_operation_demands_a_scope_and_names_its_roles()
    {
        Assert.NotEmpty(federation.Routes.All);
        Assert.All(federation.Routes.All.Where(r => AnonymousByDesign.Contains(r.ToString())), r => Assert.False(r.Secured, $"{r} should be open"));
        var open = Protected.Where(r => !r.Secured || (r.Scope is null) != (r.Roles.Count == 0)).ToList();
        Assert.True(open.Count == 0, $"Operations without a security requirement, or with a scope but no roles (or the reverse): {string.Join(", ", open)}");
        Assert.Contains(federation.Routes.All, r => r.Template == "/api/identity/accounts");
        Assert.Contains(federation.Routes.All, r => r.Template == "/api/access-requests/{id}/submit");
        var schemes = federation.Routes.Document["components"]!["securitySchemes"]!["oauth2"]!["flows"]!.AsObject();
        Assert.True(schemes.ContainsKey("authorizationCode") && schemes.ContainsKey("clientCredentials"));
    }

    [Fact]
    public async Task Every_route_refuses_every_bad_token_and_every_wrong_caller()
    {
        var before = await federation.Fingerprint();
        var forge = federation.Forge;
        Case[] cases =
        [
            new("no token", _ => Task.FromResult<string?>(null), [HttpStatusCode.Unauthorized]),
            new("not a JWT", _ => Task.FromResult<string?>("not.a.token"), [HttpStatusCode.Unauthorized]),
            new("expired beyond the 30 s skew", r => Forged(r, expires: DateTime.UtcNow.AddSeconds(-45), notBefore: DateTime.UtcNow.AddMinutes(-10)), [HttpStatusCode.Unauthorized]),
            new("not valid yet beyond the skew", r => Forged(r, notBefore: DateTime.UtcNow.AddMinutes(2)), [HttpStatusCode.Unauthorized]),
            new("another issuer, its own key", r => Task.FromResult<string?>(forge.Foreign(r.AcceptedRole, r.AcceptedScopes)), [HttpStatusCode.Unauthorized]),
            new("our key, another issuer claimed", r => Forged(r, issuer: "https://attacker.example/"), [HttpStatusCode.Unauthorized]),
            new("wrong audience", r => Forged(r, audience: "another-api"), [HttpStatusCode.Unauthorized]),
            new("alg none", r => Task.FromResult<string?>(forge.Unsigned(r.AcceptedRole, r.AcceptedScopes)), [HttpStatusCode.Unauthorized]),
            new("tampered payload", r => Task.FromResult<string?>(forge.Tampered(r.AcceptedRole, r.AcceptedScopes)), [HttpStatusCode.Unauthorized]),
            new("an ID token (typ JWT), not an access token", r => Forged(r, type: "JWT"), [HttpStatusCode.Unauthorized]),
            new("missing scope", r => Task.FromResult<string?>(forge.Mint(r.AcceptedRole, FederationScopes.All.Where(s => s != r.Scope))), [HttpStatusCode.Forbidden], NeedsScopeOrRole: true),
            new("wrong role", r => Task.FromResult<string?>(forge.Mint(WrongRole(r), FederationScopes.All)), [HttpStatusCode.Forbidden], NeedsScopeOrRole: true),
            new("real sign-in, wrong role", async r => Bearer(await federation.As(WrongPerson(r)!)), [HttpStatusCode.Forbidden], NeedsScopeOrRole: true,
                AppliesTo: r => WrongPerson(r) is not null), // a route every person may call (the catalogue) has no wrong person
            new("another user's object", r => Forged(r, subject: "someone-else"), [HttpStatusCode.NotFound, HttpStatusCode.Forbidden], OthersObject: true),
        ];

        var misses = new List<string>();
        var total = 0;
        foreach (var route in Protected)
        {
            var tried = 0;
            foreach (var c in cases.Where(c => (!c.OthersObject || route.HasPathParameters) && (!c.NeedsScopeOrRole || route.Scope is not null)
                                               && c.AppliesTo?.Invoke(route) != false))
            {
                var token = await c.Token(route);
                using var response = await Send(route, token, c.OthersObject ? federation.OthersObjectFor(route) : Guid.NewGuid().ToString());
                tried++;
                var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
                if (!c.Expected.Contains(response.StatusCode) || !problem)
                    misses.Add($"{route} [{c.Name}]: {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}");
            }
            total += tried;
            SecuredFederation.Report(output, $"[security] {route}: {tried} refusal cases");
        }

        SecuredFederation.Report(output, $"[security] {Protected.Count()} routes, {total} cases, {misses.Count} misses");
        Assert.True(misses.Count == 0, "Not refused as expected:\n" + string.Join('\n', misses));
        Assert.Equal(before, await federation.Fingerprint());

        // Positive controls: the same forged tokens with nothing wrong are accepted (whatever the endpoint then says).
        foreach (var route in Protected)
        {
            using var accepted = await Send(route, await Forged(route, subject: "control-" + Guid.NewGuid().ToString("N")), Guid.NewGuid().ToString());
            using var withinSkew = await Send(route, await Forged(route, expires: DateTime.UtcNow.AddSeconds(-10), notBefore: DateTime.UtcNow.AddMinutes(-5)),
                Guid.NewGuid().ToString());
            Assert.True((int)accepted.StatusCode is not (401 or 403) and < 500, $"{route}: a valid forged token got {(int)accepted.StatusCode}");
            Assert.True((int)withinSkew.StatusCode is not (401 or 403) and < 500, $"{route}: a token expired 10 s ago (within skew) got {(int)withinSkew.StatusCode}");
        }
    }

    [Fact]
    public async Task An_upload_without_its_transfer_capability_is_refused_and_writes_nothing()
    {
        var before = await federation.Fingerprint();
        var forged = federation.Forge.Foreign(FederationRoles.NodeAgent, [FederationScopes.Node]);
        foreach (var (id, token, bearer) in new (string, string?, string?)[]
                 {
                     (Guid.NewGuid().ToString("N"), null, null), (Guid.NewGuid().ToString("N"), "guessed", null), ("../../etc", "guessed", null),
                     (Guid.NewGuid().ToString("N"), null, forged),
                 })
        {
            var request = new HttpRequestMessage(HttpMethod.Put, $"/api/transfers/{Uri.EscapeDataString(id)}/files/image.dcm") { Content = new ByteArrayContent([1, 2, 3]) };
            if (token is not null)
                request.Headers.Add("X-Transfer-Token", token);
            if (bearer is not null)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            using var response = await federation.Federation.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.False(Directory.Exists(Path.Combine(federation.Federation.DataDirectory, "transfers")), "an upload without a capability wrote a file");
        Assert.Equal(before, await federation.Fingerprint());
    }

    [Fact]
    public async Task Open_search_answers_anonymous_and_badly_signed_callers_at_boolean_granularity_only()
    {
        var before = await federation.Fingerprint();
        foreach (var token in new[] { null, "not.a.token", federation.Forge.Foreign(FederationRoles.Researcher, [FederationScopes.Discovery]) })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/search") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
            if (token is not null)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await federation.Federation.Client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            Assert.Contains("\"granularity\":\"boolean\"", body);
        }
        Assert.Equal(before, await federation.Fingerprint());
    }

    private Task<string?> Forged(Route route, string? subject = null, string? issuer = null, string audience = "federation",
        DateTime? expires = null, DateTime? notBefore = null, string type = "at+jwt") =>
        Task.FromResult<string?>(federation.Forge.Mint(route.AcceptedRole, route.AcceptedScopes, subject, issuer, audience, expires, notBefore, type));

    private static string WrongRole(Route route) =>
        new[] { FederationRoles.Partner, FederationRoles.NodeAgent, FederationRoles.Researcher, FederationRoles.Auditor }.First(r => !route.Roles.Contains(r));

    private static string? WrongPerson(Route route) => FederationRoles.People.FirstOrDefault(r => !route.Roles.Contains(r) && r != FederationRoles.PlatformAdmin);

    private static string Bearer(HttpClient client) => client.DefaultRequestHeaders.Authorization!.Parameter!;

    private Task<HttpResponseMessage> Send(Route route, string? token, string id)
    {
        var request = new HttpRequestMessage(new HttpMethod(route.Method), route.PathWith(id));
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (route.BodySchema is not null)
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        return federation.Federation.Client.SendAsync(request);
    }
}
