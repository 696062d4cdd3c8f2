using Federation.ServiceDefaults.Hosting;
using Microsoft.Extensions.Configuration;

namespace Federation.Audit;

/// <summary>Settings under <c>Federation:Audit</c>.</summary>
public sealed class AuditOptions
{
    public const string Section = "Federation:Audit";

    /// <summary>A checkpoint seals at most this many entries, and seals as soon as that many wait.</summary>
    public int CheckpointEvery { get; set; } = 1000;

    /// <summary>No recorded event waits longer than this for a checkpoint (one is sealed if anything new is waiting).</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Largest range one <c>/api/audit/verify</c> call re-verifies.</summary>
    public int VerifyMaxEntries { get; set; } = 100_000;

    /// <summary>
    /// How long entries are kept (default 400 days: the EHDS asks secure processing environments to keep access logs at
    /// least a year). Older entries are pruned up to the end of the last sealed checkpoint they fill; the checkpoints stay.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(400);

    /// <summary>How often the pruner looks for entries past the retention.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Refuses to start with settings the role cannot work with (one line, exit 2).</summary>
    public static void Validate(IConfiguration configuration)
    {
        AuditOptions options;
        try
        {
            options = configuration.GetSection(Section).Get<AuditOptions>() ?? new AuditOptions();
        }
        catch (InvalidOperationException ex)
        {
            throw new StartupConfigurationException($"Invalid {Section} configuration: {ex.Message}");
        }
        if (options.CheckpointEvery < 1 || options.CheckpointInterval <= TimeSpan.Zero || options.VerifyMaxEntries < 1)
            throw new StartupConfigurationException(
                $"{Section}:CheckpointEvery and VerifyMaxEntries must be at least 1 and CheckpointInterval longer than zero.");
        if (options.Retention <= TimeSpan.Zero || options.PruneInterval <= TimeSpan.Zero)
            throw new StartupConfigurationException($"{Section}:Retention and PruneInterval must be longer than zero (Retention default 400.00:00:00).");
    }
}
