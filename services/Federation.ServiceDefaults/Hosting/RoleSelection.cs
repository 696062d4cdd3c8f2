namespace Federation.ServiceDefaults.Hosting;

/// <summary>Turns <c>Federation:Roles</c> ("all" or a comma list) into the modules to run, creating only those.</summary>
public static class RoleSelection
{
    public const string All = "all";

    public static IReadOnlyList<IFederationModule> Select(string? roles, IReadOnlyList<RoleDefinition> catalog)
    {
        var requested = (string.IsNullOrWhiteSpace(roles) ? All : roles)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(r => r.ToLowerInvariant())
            .Distinct()
            .ToList();

        if (requested.Count == 0 || requested.Contains(All))
            return catalog.Select(r => r.Create()).ToList();

        var known = catalog.ToDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);
        var unknown = requested.Where(r => !known.ContainsKey(r)).ToList();
        if (unknown.Count > 0)
            throw new StartupConfigurationException(
                $"Unknown role(s) in Federation:Roles / --roles: {string.Join(", ", unknown)}. " +
                $"Known roles: {All}, {string.Join(", ", catalog.Select(r => r.Name))}.");

        // Keep catalog order so that start-up is the same whatever order the operator typed.
        return catalog.Where(r => requested.Contains(r.Name)).Select(r => r.Create()).ToList();
    }
}
