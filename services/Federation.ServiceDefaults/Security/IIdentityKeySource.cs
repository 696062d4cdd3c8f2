using Microsoft.IdentityModel.Tokens;

namespace Federation.ServiceDefaults.Security;

/// <summary>
/// Implemented by the identity role when it runs in this process: APIs then validate tokens against
/// its keys directly instead of fetching its discovery document over HTTP.
/// </summary>
public interface IIdentityKeySource
{
    /// <summary>The issuer (<c>iss</c>) of every token this identity role signs.</summary>
    string Issuer { get; }

    /// <summary>Every key a token in circulation may be signed with (current and not yet retired).</summary>
    IReadOnlyList<SecurityKey> VerificationKeys();
}
