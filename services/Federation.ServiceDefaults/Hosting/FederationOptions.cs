namespace Federation.ServiceDefaults.Hosting;

/// <summary>The <c>Federation</c> configuration section (see the Host's appsettings.json for every key).</summary>
public sealed class FederationOptions
{
    public const string Section = "Federation";

    /// <summary>"all" or a comma list of roles. Flag <c>--roles</c>, env <c>Federation__Roles</c>.</summary>
    public string Roles { get; set; } = RoleSelection.All;

    /// <summary>Where the embedded store keeps its SQLite files.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Largest request body any API accepts, in bytes.</summary>
    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;
}
