using System.Text.RegularExpressions;
using Federation.ServiceDefaults.Security;

namespace Federation.Identity.Domain;

/// <summary>What a valid account, client or binding looks like; the admin API reports every violation at once.</summary>
public static partial class AccountRules
{
    public const int UserNameLength = 64;
    public const int DisplayNameLength = 200;
    public const int BindingLength = 100;
    public const int MaxDataHolders = 50;

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{2,63}$")]
    private static partial Regex UserNamePattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,99}$")]
    private static partial Regex BindingPattern();

    public static bool IsUserName(string? value) => value is not null && UserNamePattern().IsMatch(value);

    /// <summary>Data holder and node ids: lower-case letters, digits, '.', '_' and '-'.</summary>
    public static bool IsBinding(string? value) => value is not null && BindingPattern().IsMatch(value);

    /// <summary>The bindings a role needs: exactly what it decides for, nothing it does not.</summary>
    public static IEnumerable<(string Field, string Problem)> CheckBindings(string role, IReadOnlyCollection<string> dataHolders, string? node)
    {
        if (role == FederationRoles.DacMember && dataHolders.Count == 0)
            yield return ("dataHolders", "A dac-member decides for at least one data holder.");
        if (role != FederationRoles.DacMember && dataHolders.Count > 0)
            yield return ("dataHolders", $"Only a dac-member is bound to data holders, not a {role}.");
        if (dataHolders.Count > MaxDataHolders)
            yield return ("dataHolders", $"At most {MaxDataHolders} data holders.");
        foreach (var holder in dataHolders.Where(h => !IsBinding(h)))
            yield return ("dataHolders", $"'{Shorten(holder)}' is not a data holder id (lower-case letters, digits, '.', '_', '-').");
        if (role == FederationRoles.NodeOperator && node is null)
            yield return ("node", "A node-operator is bound to a node.");
        if (role != FederationRoles.NodeOperator && node is not null)
            yield return ("node", $"Only a node-operator is bound to a node, not a {role}.");
        if (node is not null && !IsBinding(node))
            yield return ("node", $"'{Shorten(node)}' is not a node id (lower-case letters, digits, '.', '_', '-').");
    }

    internal static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
