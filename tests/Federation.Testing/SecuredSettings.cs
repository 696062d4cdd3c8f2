namespace Federation.Testing;

/// <summary>How the multi-process tests arrange identity: one process runs it, the others trust it.</summary>
public static class SecuredSettings
{
    /// <summary>
    /// For the process that also runs the identity role: demo accounts seeded (distributed mode seeds
    /// nothing unless asked) and write limits out of the way of load tests (they measure the backbone,
    /// not the throttle; the security suite tests the throttle).
    /// </summary>
    public static Dictionary<string, string> WithIdentity(this IReadOnlyDictionary<string, string> settings) =>
        new(settings)
        {
            ["Federation__Identity__SeedDemo"] = "true",
            ["Federation__Security__WritesPerSecond"] = "1000000",
        };

    /// <summary>For a process without the identity role: validate tokens against <paramref name="identity"/>'s keys, fetched over HTTP.</summary>
    public static Dictionary<string, string> TrustingIdentityAt(this IReadOnlyDictionary<string, string> settings, HostProcess identity) =>
        new(settings) { ["Federation__Security__Authority"] = identity.Client.BaseAddress!.ToString() };

    /// <summary>Environment-style settings (<c>A__B</c>) as command-line arguments (<c>--A:B=value</c>) for an in-process federation.</summary>
    public static string[] AsArguments(this IReadOnlyDictionary<string, string> settings) =>
        [.. settings.Select(s => $"--{s.Key.Replace("__", ":")}={s.Value}")];
}
