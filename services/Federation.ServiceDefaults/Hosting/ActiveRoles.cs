namespace Federation.ServiceDefaults.Hosting;

/// <summary>The roles this process runs; readiness and diagnostics report only these.</summary>
public sealed record ActiveRoles(IReadOnlyList<string> Names)
{
    public bool Contains(string role) => Names.Contains(role, StringComparer.OrdinalIgnoreCase);
}
