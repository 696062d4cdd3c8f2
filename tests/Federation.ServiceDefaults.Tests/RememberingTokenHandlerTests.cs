using System.Security.Claims;
using System.Security.Cryptography;
using Federation.ServiceDefaults.Security;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace Federation.ServiceDefaults.Tests;

/// <summary>A remembered token is accepted again without full validation only while it, its age and its key allow.</summary>
public sealed class RememberingTokenHandlerTests
{
    private const string Issuer = "https://identity.test/";
    private readonly RsaSecurityKey key = new(RSA.Create(2048)) { KeyId = "key-1" };
    private readonly List<SecurityKey> trusted = [];
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private int fullValidations;

    public RememberingTokenHandlerTests() => trusted.Add(key);

    private TokenValidationParameters Parameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = "federation",
        ValidTypes = ["at+jwt"],
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        IssuerSigningKeyResolver = (_, _, _, _) => trusted,
        // Runs only in full validation: counts them.
        LifetimeValidator = (notBefore, expires, _, _) =>
        {
            fullValidations++;
            return expires > DateTime.UtcNow;
        },
    };

    private string Token(TimeSpan lifetime, SecurityKey? signingKey = null) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = "federation",
        TokenType = "at+jwt",
        Subject = new ClaimsIdentity([new Claim("sub", "researcher-1")]),
        NotBefore = DateTime.UtcNow.AddMinutes(-1),
        Expires = DateTime.UtcNow + lifetime,
        SigningCredentials = new SigningCredentials(signingKey ?? key, SecurityAlgorithms.RsaSha256),
    });

    [Fact]
    public async Task A_valid_token_is_validated_in_full_once_and_each_request_gets_its_own_identity()
    {
        var handler = new RememberingTokenHandler(clock);
        var token = Token(TimeSpan.FromHours(1));

        var first = await handler.ValidateTokenAsync(token, Parameters());
        var second = await handler.ValidateTokenAsync(token, Parameters());

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal(1, fullValidations);
        Assert.Equal("researcher-1", second.ClaimsIdentity.FindFirst("sub")!.Value);
        second.ClaimsIdentity.AddClaim(new Claim("added", "by one request"));
        var third = await handler.ValidateTokenAsync(token, Parameters());
        Assert.Null(third.ClaimsIdentity.FindFirst("added"));
    }

    [Fact]
    public async Task A_token_whose_signing_key_was_retired_is_refused_at_its_next_request()
    {
        var handler = new RememberingTokenHandler(clock);
        var token = Token(TimeSpan.FromHours(1));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);

        trusted.Clear();
        trusted.Add(new RsaSecurityKey(RSA.Create(2048)) { KeyId = "key-2" });

        Assert.False((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
    }

    [Fact]
    public async Task With_the_identity_role_elsewhere_a_key_it_no_longer_publishes_ends_its_tokens()
    {
        // As the access role runs when identity is another process: keys come from identity's discovery document.
        var published = new OpenIdConnectConfiguration { Issuer = Issuer };
        published.SigningKeys.Add(key);
        var parameters = Parameters();
        parameters.IssuerSigningKeyResolver = null;
        parameters.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(published);
        var handler = new RememberingTokenHandler(clock);
        var token = Token(TimeSpan.FromHours(1));

        Assert.True((await handler.ValidateTokenAsync(token, parameters)).IsValid);
        Assert.True((await handler.ValidateTokenAsync(token, parameters)).IsValid);
        Assert.Equal(1, fullValidations);

        published.SigningKeys.Clear();
        Assert.False((await handler.ValidateTokenAsync(token, parameters)).IsValid);
    }

    [Fact]
    public async Task A_token_is_validated_in_full_again_after_its_expiry_and_after_the_longest_memory()
    {
        var handler = new RememberingTokenHandler(clock);
        var shortLived = Token(TimeSpan.FromMinutes(2));
        var longLived = Token(TimeSpan.FromHours(1));
        await handler.ValidateTokenAsync(shortLived, Parameters());
        await handler.ValidateTokenAsync(longLived, Parameters());
        Assert.Equal(2, fullValidations);

        clock.Advance(TimeSpan.FromMinutes(3)); // past the short token's expiry, within the long one's memory
        await handler.ValidateTokenAsync(shortLived, Parameters());
        await handler.ValidateTokenAsync(longLived, Parameters());
        Assert.Equal(3, fullValidations);

        clock.Advance(RememberingTokenHandler.MaxAge); // past the longest memory
        await handler.ValidateTokenAsync(longLived, Parameters());
        Assert.Equal(4, fullValidations);
    }

    [Fact]
    public async Task A_failing_token_is_never_remembered()
    {
        var handler = new RememberingTokenHandler(clock);
        var forged = Token(TimeSpan.FromHours(1), new RsaSecurityKey(RSA.Create(2048)) { KeyId = "key-1" }); // same key id, other key

        Assert.False((await handler.ValidateTokenAsync(forged, Parameters())).IsValid);
        Assert.False((await handler.ValidateTokenAsync(forged, Parameters())).IsValid);
    }
}
