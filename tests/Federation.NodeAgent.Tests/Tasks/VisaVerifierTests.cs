using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Federation.NodeAgent.Tasks;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace Federation.NodeAgent.Tests.Tasks;

/// <summary>The node's own check of a researcher's visa, against keys served at the trusted issuer's URL.</summary>
public sealed class VisaVerifierTests
{
    private static readonly RsaSecurityKey Trusted = new(RSA.Create(2048)) { KeyId = "visa-1" };
    private static readonly RsaSecurityKey Foreign = new(RSA.Create(2048)) { KeyId = "visa-1" };

    [Fact]
    public async Task A_visa_signed_by_the_trusted_issuer_for_this_owner_and_dataset_holds() =>
        Assert.Null(await Verifier().Refusal(Visa(), "researcher-1", "lung-ct", CancellationToken.None));

    [Theory]
    [InlineData("someone-else", "lung-ct", "issued to someone else")]
    [InlineData("researcher-1", "breast-mg", "grants no access to breast-mg")]
    public async Task A_visa_for_another_person_or_dataset_is_refused(string owner, string dataset, string reason) =>
        Assert.Contains(reason, await Verifier().Refusal(Visa(), owner, dataset, CancellationToken.None));

    [Fact]
    public async Task An_expired_a_foreign_or_a_missing_visa_is_refused()
    {
        var verifier = Verifier();
        Assert.Contains("not valid", await verifier.Refusal(Visa(expires: DateTime.UtcNow.AddMinutes(-5)), "researcher-1", "lung-ct", CancellationToken.None));
        Assert.Contains("not valid", await verifier.Refusal(Visa(key: Foreign), "researcher-1", "lung-ct", CancellationToken.None));
        Assert.Contains("no visa", await verifier.Refusal(null, "researcher-1", "lung-ct", CancellationToken.None));
        var untrusting = new VisaVerifier(new HttpClient(), Options.Create(new NodeAgentOptions()), TimeProvider.System);
        Assert.Contains("trusts no visa issuer", await untrusting.Refusal(Visa(), "researcher-1", "lung-ct", CancellationToken.None));
    }

    private static VisaVerifier Verifier() =>
        new(new HttpClient(new Jwks()), Options.Create(new NodeAgentOptions { VisaKeysUrl = new Uri("https://central.example/api/entitlements/visa-keys") }), TimeProvider.System);

    private static string Visa(RsaSecurityKey? key = null, DateTime? expires = null) => new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(
        new SecurityTokenDescriptor
        {
            Issuer = "https://central.example/api/entitlements",
            IssuedAt = DateTime.UtcNow.AddMinutes(-10),
            Expires = expires ?? DateTime.UtcNow.AddMinutes(50),
            SigningCredentials = new SigningCredentials(key ?? Trusted, SecurityAlgorithms.RsaSha256),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = "researcher-1",
                ["ga4gh_visa_v1"] = new Dictionary<string, object> { ["type"] = "ControlledAccessGrants", ["value"] = "urn:federation:dataset:lung-ct", ["by"] = "dac" },
            },
        });

    /// <summary>The trusted issuer's key set, as its visa-keys endpoint serves it.</summary>
    private sealed class Jwks : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var parameters = Trusted.Rsa.ExportParameters(false);
            var body = JsonSerializer.Serialize(new
            {
                keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = Trusted.KeyId, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) } },
            });
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
