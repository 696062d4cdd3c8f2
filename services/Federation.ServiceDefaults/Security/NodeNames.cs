using System.Text.RegularExpressions;

namespace Federation.ServiceDefaults.Security;

/// <summary>
/// A node's name: lower-case letters, digits, '.', '_' and '-', short enough that its client id and broker user
/// (<c>node-&lt;name&gt;</c>) fit in 64 characters. The registry (compute) and the credentials (identity) agree on it.
/// </summary>
public static partial class NodeNames
{
    public const int MaxLength = 59;

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,58}$")]
    private static partial Regex Pattern();

    public static bool IsValid(string? value) => value is not null && Pattern().IsMatch(value);

    public const string Rule = "1 to 59 characters: lower-case letters, digits, '.', '_', '-', starting with a letter or digit.";
}
