using Federation.Identity.Domain;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Security;

namespace Federation.Identity.Admin;

/// <summary>A person's account to create. The password is generated, never chosen by the admin.</summary>
public sealed record CreateAccountRequest(string? UserName, string? DisplayName, string? Role, List<string>? DataHolders, string? Node)
{
    public Dictionary<string, string[]> Validate()
    {
        var errors = new List<(string Field, string Problem)>();
        if (!AccountRules.IsUserName(UserName))
            errors.Add(("userName", "3 to 64 characters: lower-case letters, digits, '.', '_', '-', starting with a letter or digit."));
        if (DisplayName is { Length: > AccountRules.DisplayNameLength })
            errors.Add(("displayName", $"At most {AccountRules.DisplayNameLength} characters."));
        if (Role is null || !FederationRoles.People.Contains(Role))
            errors.Add(("role", $"One of: {string.Join(", ", FederationRoles.People)}."));
        else
            errors.AddRange(AccountRules.CheckBindings(Role, DataHolders ?? [], Node));
        return Group(errors);
    }

    internal static Dictionary<string, string[]> Group(IEnumerable<(string Field, string Problem)> errors) =>
        errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Problem).ToArray());
}

/// <summary>A partner system that reads events and the catalogue with client credentials.</summary>
public sealed record RegisterPartnerRequest(string? ClientId, string? DisplayName)
{
    public Dictionary<string, string[]> Validate()
    {
        var errors = new List<(string Field, string Problem)>();
        if (!AccountRules.IsUserName(ClientId) || NodeBrokerAccess.IsNodeUser(ClientId!)
            || ClientId == Identity.IdentitySettings.PortalClientId)
            errors.Add(("clientId", $"3 to 64 characters: lower-case letters, digits, '.', '_', '-'; not starting with '{NodeBrokerAccess.UserOf("")}' (node agents' ids) and not a reserved id."));
        if (string.IsNullOrWhiteSpace(DisplayName) || DisplayName.Length > AccountRules.DisplayNameLength)
            errors.Add(("displayName", $"1 to {AccountRules.DisplayNameLength} characters."));
        return CreateAccountRequest.Group(errors);
    }
}

public sealed record CreatedAccount(string Id, string UserName, string Role, IReadOnlyList<string> DataHolders, string? Node, string Password);

public sealed record CreatedClient(string ClientId, string ClientSecret, string Kind, string? Node, IReadOnlyList<string> Scopes);

public sealed record RotatedKey(string KeyId);

/// <summary>The caller as its token describes it.</summary>
public sealed record CallerView(string Subject, string? Role, IReadOnlyList<string> Scopes, IReadOnlyList<string> DataHolders, string? Node, string? ClientId);
