using System.Diagnostics.Metrics;
using Federation.ServiceDefaults.Telemetry;

namespace Federation.ServiceDefaults.Tests;

/// <summary>Sums what one of the federation's counters records while the test runs.</summary>
public sealed class MetricTotal : IDisposable
{
    private readonly MeterListener listener = new();
    private long total;

    public MetricTotal(string instrument)
    {
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == FederationTelemetry.Name && i.Name == instrument)
                l.EnableMeasurementEvents(i);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref total, value));
        listener.Start();
    }

    public long Total => Interlocked.Read(ref total);

    public void Dispose() => listener.Dispose();
}
