using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Federation.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace Federation.Identity.Tests;

/// <summary>The identity role as OpenID Connect clients see it: discovery, client credentials, code + PKCE, refresh, login page.</summary>
public sealed class OidcFlowTests : IAsyncLifetime
{
    private InProcessFederation federation = null!;
    private DemoCredentials demo = null!;

    private Uri Server => federation.Client.BaseAddress!;

    public async Task InitializeAsync()
    {
        federation = await InProcessFederation.Start("identity");
        demo = await DemoCredentials.WaitFor(federation.DataDirectory);
    }

    public async Task DisposeAsync() => await federation.DisposeAsync();

    [Fact]
    public async Task A_standard_client_discovers_the_server_gets_a_token_by_client_credentials_and_calls_a_protected_api()
    {
        // Microsoft's OpenID Connect client library, knowing nothing but the issuer.
        var discovery = new ConfigurationManager<OpenIdConnectConfiguration>(demo.Issuer + ".well-known/openid-configuration",
            new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = false });
        var configuration = await discovery.GetConfigurationAsync(CancellationToken.None);
        Assert.Equal(demo.Issuer, configuration.Issuer);
        Assert.Contains("client_credentials", configuration.GrantTypesSupported);
        Assert.Contains("S256", configuration.CodeChallengeMethodsSupported);
        Assert.NotEmpty(configuration.SigningKeys);

        var partner = demo.Clients.Single();
        using var http = new HttpClient();
        using var response = await http.PostAsync(configuration.TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = partner.ClientId, ["client_secret"] = partner.ClientSecret, ["scope"] = "events",
        }));
        var token = (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();

        var validated = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = configuration.Issuer,
            ValidAudience = "federation",
            IssuerSigningKeys = configuration.SigningKeys,
            ValidTypes = ["at+jwt"],
        });
        Assert.True(validated.IsValid, validated.Exception?.Message);

        using var api = Oidc.Bearer(Server, token);
        var me = await api.GetFromJsonAsync<JsonObject>("/api/identity/me");
        Assert.Equal(("demo-partner", "partner"), (me!["subject"]!.GetValue<string>(), me["role"]!.GetValue<string>()));
        Assert.Equal(["events"], me["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Fact]
    public async Task A_client_cannot_obtain_a_scope_its_registration_does_not_allow()
    {
        var partner = demo.Clients.Single();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Oidc.ClientCredentials(Server, partner.ClientId, partner.ClientSecret, "events identity.admin"));
        var wrongSecret = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Oidc.ClientCredentials(Server, partner.ClientId, partner.ClientSecret + "x", "events"));

        Assert.Contains("invalid", refused.Message);
        Assert.Contains("invalid_client", wrongSecret.Message);
    }

    [Fact]
    public async Task A_person_logs_in_with_code_and_pkce_and_refreshes()
    {
        var tokens = await Oidc.SignInWithPkce(Server, demo, "dac");
        Assert.NotNull(tokens.IdToken);
        Assert.NotNull(tokens.RefreshToken);

        var access = new JsonWebToken(tokens.AccessToken);
        Assert.Equal("at+jwt", access.Typ);
        Assert.Equal("dac-member", access.GetClaim("role").Value);
        Assert.Equal("hospital-a", access.GetClaim("data_holder").Value);
        // The role allows access, consent, discovery and audit; identity.admin was asked for and not granted.
        Assert.DoesNotContain("identity.admin", access.GetClaim("scope").Value.Split(' '));

        var refreshed = await Oidc.Refresh(Server, demo.PortalClientId, tokens.RefreshToken!);
        using var api = Oidc.Bearer(Server, refreshed.AccessToken);
        var me = await api.GetFromJsonAsync<JsonObject>("/api/identity/me");
        Assert.Equal(demo.User("dac").Id, me!["subject"]!.GetValue<string>());
        Assert.Equal(["hospital-a"], me["dataHolders"]!.AsArray().Select(h => h!.GetValue<string>()));
    }

    [Fact]
    public async Task An_authorization_request_without_pkce_is_refused()
    {
        using var response = await federation.Client.GetAsync(
            $"/connect/authorize?client_id={demo.PortalClientId}&response_type=code&scope=openid&redirect_uri={Uri.EscapeDataString(demo.PortalRedirectUri)}");

        var answer = response.Headers.Location?.ToString() ?? await response.Content.ReadAsStringAsync();
        Assert.Contains("code_challenge", answer);
        Assert.DoesNotContain("code=", answer);
    }

    [Fact]
    public async Task A_wrong_password_shows_the_form_again_with_401_and_signs_nobody_in()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(handler) { BaseAddress = Server };
        var form = await FormFields(browser, "/account/login?returnUrl=%2F%2Fattacker.example");
        form["username"] = "researcher";
        form["password"] = "not-the-password";

        using var wrong = await browser.PostAsync("/account/login", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.DoesNotContain(handler.CookieContainer.GetCookies(Server).Cast<Cookie>(), c => c.Name == "federation.login");

        // The right password with a return URL pointing off-site lands on our own page, not the attacker's.
        form["password"] = demo.User("researcher").Password;
        using var right = await browser.PostAsync("/account/login", new FormUrlEncodedContent(form));
        Assert.Equal("/account/signed-in", right.Headers.Location!.ToString());
    }

    [Fact]
    public async Task A_login_form_without_its_antiforgery_token_is_refused()
    {
        using var response = await federation.Client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "researcher", ["password"] = demo.User("researcher").Password,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task End_session_signs_the_person_out_so_the_next_authorization_asks_for_the_password_again()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(handler) { BaseAddress = Server };
        var form = await FormFields(browser, "/account/login");
        form["username"] = "researcher";
        form["password"] = demo.User("researcher").Password;
        using (await browser.PostAsync("/account/login", new FormUrlEncodedContent(form))) { }
        var authorize = $"/connect/authorize?client_id={demo.PortalClientId}&response_type=code&scope=openid&code_challenge=" +
                        $"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&redirect_uri={Uri.EscapeDataString(demo.PortalRedirectUri)}";
        using (var signedIn = await browser.GetAsync(authorize))
        {
            Assert.StartsWith(demo.PortalRedirectUri, signedIn.Headers.Location!.ToString());
            Assert.Contains("code=", signedIn.Headers.Location!.Query);
        }

        using (var endSession = await browser.GetAsync("/connect/endsession"))
            Assert.Equal(HttpStatusCode.Redirect, endSession.StatusCode);

        using var again = await browser.GetAsync(authorize);
        Assert.StartsWith("/account/login", again.Headers.Location!.PathAndQuery);
    }

    private static async Task<Dictionary<string, string>> FormFields(HttpClient browser, string page)
    {
        var html = await browser.GetStringAsync(page);
        return System.Text.RegularExpressions.Regex.Matches(html, "<input type=\"hidden\" name=\"(?<n>[^\"]+)\" value=\"(?<v>[^\"]*)\">")
            .ToDictionary(m => m.Groups["n"].Value, m => WebUtility.HtmlDecode(m.Groups["v"].Value));
    }
}
