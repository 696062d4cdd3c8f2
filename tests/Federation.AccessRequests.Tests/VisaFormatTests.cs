using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Federation.AccessRequests.Entitlements;
using Federation.AccessRequests.Visas;
using Federation.Contracts;
using Federation.ServiceDefaults.Events;
using Jose;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace Federation.AccessRequests.Tests;

/// <summary>
/// Visas as a node agent sees them: checked with jose-jwt (not the library that signed them) against the
/// key rebuilt from the published JWK alone, the way it would verify offline.
/// </summary>
public sealed class VisaFormatTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 9, 0, 0, TimeSpan.Zero);
    private const string Issuer = "https://access.example.org/api/entitlements";
    private const string KeysUrl = Issuer + "/visa-keys";

    // One key for the class: generating RSA 2048 per test would dominate the run time.
    private static readonly RsaSecurityKey Key = new(RSA.Create(2048)) { KeyId = "visa-key-1" };

    private static Entitlement Granted(string datasetId, DateTimeOffset end) =>
        Entitlement.Grant(Guid.NewGuid(), "researcher-42", datasetId, "hospital-a", "Acknowledge hospital A",
            Now.AddDays(-2), Now.AddDays(-1), end,
            new EventStamp(new Actor("dac-1", "user", "dac-member"), Guid.NewGuid(), TimeProvider.System)).Entitlement;

    private static RSA PublishedKey()
    {
        var jwk = VisaFormat.PublicJwk(Key);
        var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = System.Buffers.Text.Base64Url.DecodeFromChars(jwk["n"]), Exponent = System.Buffers.Text.Base64Url.DecodeFromChars(jwk["e"]) });
        return rsa;
    }

    private static JsonObject VerifiedClaims(string visa)
    {
        using var rsa = PublishedKey();
        return JsonNode.Parse(JWT.Decode(visa, rsa, JwsAlgorithm.RS256))!.AsObject();
    }

    [Fact]
    public void The_header_says_RS256_and_names_the_key_and_where_to_fetch_it()
    {
        var visa = VisaFormat.Sign(Granted("ds-liver-ct", Now.AddDays(30)), Key, Issuer, KeysUrl, Now);

        var header = JWT.Headers(visa).ToDictionary(h => h.Key, h => h.Value.ToString());

        Assert.Equal(new Dictionary<string, string?> { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = "visa-key-1", ["jku"] = KeysUrl }, header);
    }

    [Fact]
    public void The_claims_assert_a_controlled_access_grant_of_the_dataset_by_the_holders_committee()
    {
        var entitlement = Granted("ds liver/ct", Now.AddDays(30));

        var claims = VerifiedClaims(VisaFormat.Sign(entitlement, Key, Issuer, KeysUrl, Now));

        Assert.Equal((Issuer, "researcher-42"), (claims["iss"]!.GetValue<string>(), claims["sub"]!.GetValue<string>()));
        Assert.Equal(Now.ToUnixTimeSeconds(), claims["iat"]!.GetValue<long>());
        Assert.True(Guid.TryParse(claims["jti"]!.GetValue<string>(), out _));
        var grant = claims["ga4gh_visa_v1"]!.AsObject();
        Assert.Equal(["asserted", "by", "source", "type", "value"], grant.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("ControlledAccessGrants", grant["type"]!.GetValue<string>());
        Assert.Equal(Now.AddDays(-2).ToUnixTimeSeconds(), grant["asserted"]!.GetValue<long>());
        Assert.Equal("urn:federation:dataset:ds%20liver%2Fct", grant["value"]!.GetValue<string>());
        Assert.Equal(("urn:federation:data-holder:hospital-a", "dac"), (grant["source"]!.GetValue<string>(), grant["by"]!.GetValue<string>()));
    }

    [Fact]
    public void A_visa_lives_one_hour_when_the_entitlement_lasts_longer()
    {
        var claims = VerifiedClaims(VisaFormat.Sign(Granted("ds-liver-ct", Now.AddDays(30)), Key, Issuer, KeysUrl, Now));

        Assert.Equal(Now.AddHours(1).ToUnixTimeSeconds(), claims["exp"]!.GetValue<long>());
    }

    [Fact]
    public void A_visa_expires_with_the_entitlement_when_that_ends_within_the_hour()
    {
        var claims = VerifiedClaims(VisaFormat.Sign(Granted("ds-liver-ct", Now.AddMinutes(20)), Key, Issuer, KeysUrl, Now));

        Assert.Equal(Now.AddMinutes(20).ToUnixTimeSeconds(), claims["exp"]!.GetValue<long>());
    }

    [Fact]
    public void Each_visa_has_its_own_token_id()
    {
        var entitlement = Granted("ds-liver-ct", Now.AddDays(30));

        var first = VerifiedClaims(VisaFormat.Sign(entitlement, Key, Issuer, KeysUrl, Now));
        var second = VerifiedClaims(VisaFormat.Sign(entitlement, Key, Issuer, KeysUrl, Now));

        Assert.NotEqual(first["jti"]!.GetValue<string>(), second["jti"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(1)] // claims
    [InlineData(2)] // signature
    public void A_visa_with_one_character_changed_fails_verification(int segment)
    {
        var parts = VisaFormat.Sign(Granted("ds-liver-ct", Now.AddDays(30)), Key, Issuer, KeysUrl, Now).Split('.');
        // A middle character carries six whole bits, so swapping it always changes the decoded bytes
        // (the last one may carry only padding bits and decode to the same bytes).
        var middle = parts[segment].Length / 2;
        var chars = parts[segment].ToCharArray();
        chars[middle] = chars[middle] == 'A' ? 'B' : 'A';
        parts[segment] = new string(chars);
        using var rsa = PublishedKey();

        Assert.Throws<IntegrityException>(() => JWT.Decode(string.Join('.', parts), rsa, JwsAlgorithm.RS256));
    }

    [Fact]
    public void The_published_key_holds_only_public_parameters()
    {
        var jwk = VisaFormat.PublicJwk(Key);

        Assert.Equal(["alg", "e", "kid", "kty", "n", "use"], jwk.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(jwk.Keys, name => name is "d" or "p" or "q" or "dp" or "dq" or "qi");
        Assert.Equal(("RSA", "sig", "RS256", "visa-key-1"), (jwk["kty"], jwk["use"], jwk["alg"], jwk["kid"]));
    }
}
