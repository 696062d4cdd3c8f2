namespace Federation.Identity.Domain;

/// <summary>
/// A person who signs in: one role, and what that role is bound to (the data holders a DAC member
/// decides for, the node a node operator runs). The id is the <c>sub</c> of the person's tokens.
/// </summary>
public sealed class Account
{
    public required string Id { get; init; }

    /// <summary>As typed at creation; sign-in compares <see cref="NormalizedUserName"/>.</summary>
    public required string UserName { get; init; }

    public required string NormalizedUserName { get; init; }

    public required string DisplayName { get; set; }

    public required string PasswordHash { get; set; }

    public required string Role { get; init; }

    public List<string> DataHolders { get; init; } = [];

    public string? Node { get; init; }

    public DateTime CreatedAt { get; init; }

    public bool Disabled { get; set; }

    public static string Normalize(string userName) => userName.Trim().ToLowerInvariant();
}
