using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace Federation.Testing;

/// <summary>The tokens a sign-in returns.</summary>
public sealed record TokenSet(string AccessToken, string? RefreshToken, string? IdToken);

/// <summary>What the embedded identity role writes to <c>demo-credentials.json</c> at first start.</summary>
public sealed record DemoCredentials(string Issuer, string PortalClientId, string PortalRedirectUri, IReadOnlyList<DemoUser> Users, IReadOnlyList<DemoClient> Clients)
{
    public DemoUser User(string userName) => Users.Single(u => u.UserName == userName);

    /// <summary>Waits (with a deadline) until the identity role of the host using <paramref name="dataDirectory"/> has written the file.</summary>
    public static Task<DemoCredentials> WaitFor(string dataDirectory) =>
        Eventually.Until(() =>
        {
            var path = Path.Combine(dataDirectory, "demo-credentials.json");
            try
            {
                return Task.FromResult(File.Exists(path) ? JsonSerializer.Deserialize<DemoCredentials>(File.ReadAllText(path), Oidc.Json) : null);
            }
            catch (Exception ex) when (ex is IOException or JsonException)
            {
                return Task.FromResult<DemoCredentials?>(null); // being written
            }
        }, c => c is not null, TimeSpan.FromSeconds(30), "the identity role to write demo-credentials.json")!;
}

public sealed record DemoUser(string UserName, string Password, string Role, string Id);

public sealed record DemoClient(string ClientId, string ClientSecret, IReadOnlyList<string> Scopes);

/// <summary>
/// A real OpenID Connect client, as a portal or a partner system would be: authorization code with
/// PKCE through the login page for people, client credentials for machines.
/// </summary>
public static partial class Oidc
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public const string PeopleScopes = "openid profile offline_access access audit discovery compute consent node identity.admin";

    /// <summary>Runs the whole browser flow with cookies and no automatic redirects, and checks each step.</summary>
    public static async Task<TokenSet> SignInWithPkce(Uri server, DemoCredentials demo, string userName, string scope = PeopleScopes)
    {
        var user = demo.User(userName);
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true };
        using var browser = new HttpClient(handler) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };

        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));
        var state = Base64Url(RandomNumberGenerator.GetBytes(16));
        var authorize = QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = demo.PortalClientId,
            ["response_type"] = "code",
            ["redirect_uri"] = demo.PortalRedirectUri,
            ["scope"] = scope,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
            ["state"] = state,
        });

        // 1. Not signed in: the authorization endpoint sends the browser to the login page.
        var toLogin = await Redirect(browser, await browser.GetAsync(authorize), "authorize → login page");
        using var page = await browser.GetAsync(toLogin);
        var html = await page.Content.ReadAsStringAsync();
        var antiforgery = HiddenInput().Matches(html).ToDictionary(m => m.Groups["name"].Value, m => WebUtility.HtmlDecode(m.Groups["value"].Value));

        // 2. The login form: back to the authorization request on success.
        var form = new Dictionary<string, string>(antiforgery) { ["username"] = user.UserName, ["password"] = user.Password };
        var backToAuthorize = await Redirect(browser, await browser.PostAsync("/account/login", new FormUrlEncodedContent(form)), "login → authorize");

        // 3. Signed in: the authorization endpoint answers with a code at the redirect URI.
        var callback = await Redirect(browser, await browser.GetAsync(backToAuthorize), "authorize → redirect URI with code");
        var query = QueryHelpers.ParseQuery(new Uri(new Uri(demo.PortalRedirectUri), callback).Query);
        if (query.TryGetValue("error", out var error))
            throw new InvalidOperationException($"Authorization refused: {error} {query.GetValueOrDefault("error_description")}");
        if (query["state"] != state)
            throw new InvalidOperationException("The state came back changed.");

        // 4. The code and the PKCE verifier for tokens.
        return await Token(browser, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = query["code"]!,
            ["redirect_uri"] = demo.PortalRedirectUri,
            ["client_id"] = demo.PortalClientId,
            ["code_verifier"] = verifier,
        });
    }

    public static async Task<TokenSet> ClientCredentials(Uri server, string clientId, string secret, string scope)
    {
        using var client = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        return await Token(client, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
            ["scope"] = scope,
        });
    }

    public static async Task<TokenSet> Refresh(Uri server, string clientId, string refreshToken)
    {
        using var client = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        return await Token(client, new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["client_id"] = clientId, ["refresh_token"] = refreshToken });
    }

    /// <summary>A client for <paramref name="server"/> that sends <paramref name="accessToken"/> with every request.</summary>
    public static HttpClient Bearer(Uri server, string accessToken)
    {
        var client = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    private static async Task<TokenSet> Token(HttpClient client, Dictionary<string, string> form)
    {
        using var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Token request refused ({(int)response.StatusCode}): {body}");
        return new TokenSet(body!["access_token"]!.GetValue<string>(), body["refresh_token"]?.GetValue<string>(), body["id_token"]?.GetValue<string>());
    }

    private static async Task<string> Redirect(HttpClient browser, HttpResponseMessage response, string step)
    {
        using (response)
        {
            if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther) || response.Headers.Location is null)
                throw new InvalidOperationException($"{step}: expected a redirect, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            var location = response.Headers.Location;
            return location.IsAbsoluteUri && location.Authority == browser.BaseAddress!.Authority ? location.PathAndQuery : location.ToString();
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\">")]
    private static partial Regex HiddenInput();
}
