namespace Federation.ServiceDefaults.Hosting;

/// <summary>Turns <c>Federation:Roles</c> ("all" or a comma list) into the modules to run.</summary>
public static class RoleSelection
{
    public const string All = "all";

    public static IReadOnlyList<IFederationModule> Select(string? roles, IReadOnlyList<IFederationModule> catalog)
    {
        var requested = (string.IsNullOrWhiteSpace(roles) ? All : roles)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(r => r.ToLowerInvariant())
            .Distinct()
            .ToList();

        if (requested.Count == 0 || requested.Contains(All))
            return catalog;

        var known = catalog.ToDictionary(m => m.Role, StringComparer.OrdinalIgnoreCase);
        var unknown = requested.Where(r => !known.ContainsKey(r)).ToList();
        if (unknown.Count > 0)
            throw new StartupConfigurationException(
                $"Unknown role(s) in Federation:Roles / --roles: {string.Join(", ", unknown)}. " +
                $"Known roles: {All}, {string.Join(", ", catalog.Select(m => m.Role))}.");

        // Keep catalog order so that start-up is the same whatever order the operator typed.
        return catalog.Where(m => requested.Contains(m.Role)).ToList();
    }
}
