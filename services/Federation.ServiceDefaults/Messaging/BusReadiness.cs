using MassTransit;

namespace Federation.ServiceDefaults.Messaging;

/// <summary>
/// Whether this process's bus has bound every queue it consumes from. A role that publishes before its own
/// process's other roles have bound their queues loses those roles' copies for good: the broker routes an
/// event to the queues bound at that moment, and a publish that reaches any queue is not returned. So the
/// outbox relay waits for this once, at start; afterwards the bindings are durable.
/// </summary>
public static class BusReadiness
{
    private static readonly TimeSpan Probe = TimeSpan.FromMilliseconds(50);

    /// <summary>Completes when every receive endpoint of <paramref name="bus"/> is ready (what /health/ready reports too).</summary>
    public static async Task WhenReady(this IBusControl bus, TimeProvider clock, CancellationToken cancellationToken)
    {
        // MassTransit reports readiness as health; it has no awaitable for it that survives a broker absent at start-up.
        while (bus.CheckHealth().Status != BusHealthStatus.Healthy)
            await Task.Delay(Probe, clock, cancellationToken);
    }
}
