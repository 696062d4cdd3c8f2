using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Federation.ServiceDefaults.Telemetry;

/// <summary>The federation's own trace source and meter (outbox relay, inbox commits, modules).</summary>
public static class FederationTelemetry
{
    public const string Name = "Federation";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);
}
