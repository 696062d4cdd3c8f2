namespace Federation.Identity.Domain;

/// <summary>
/// An RSA key of the identity role, kept in its database so that every replica signs with the same
/// key and a restart invalidates no token. Newest active key of each use signs/encrypts; older active
/// keys still verify/decrypt until retired.
/// </summary>
public sealed class StoredKey
{
    public const string Signing = "sig";
    public const string Encryption = "enc";

    /// <summary>The JWK <c>kid</c>.</summary>
    public required string Id { get; init; }

    public required string Use { get; init; }

    /// <summary>PKCS#8 private key, PEM. Protect the identity database (and its backups) accordingly.</summary>
    public required string PrivateKeyPem { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime? RetiredAt { get; set; }
}
