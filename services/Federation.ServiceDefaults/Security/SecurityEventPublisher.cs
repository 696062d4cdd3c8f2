using Federation.Contracts;
using Federation.ServiceDefaults.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Federation.ServiceDefaults.Security;

/// <summary>
/// At the end of every window (<see cref="SecurityOptions.AuditWindow"/>, and once more at shutdown) writes the window's
/// security events through the outbox (<see cref="IEventOutbox"/>): one write per window whatever the traffic. Events
/// that cannot be written yet stay in memory and go with the next window's; past a bound they are folded into one
/// event per kind and status, still carrying every count. Nothing is dropped without a log line saying how many.
/// </summary>
internal sealed class SecurityEventPublisher(
    SecurityEventRecorder recorder, IServiceProvider services, IOptions<SecurityOptions> options, TimeProvider clock,
    ILogger<SecurityEventPublisher> log) : BackgroundService
{
    private readonly List<FederationEvent> pending = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.AuditWindow, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await Flush();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await Flush(); // the last window's counts, while the store still takes writes
    }

    private async Task Flush()
    {
        pending.AddRange(recorder.CloseWindow());
        if (pending.Count == 0)
            return;
        if (pending.Count > options.Value.AuditMaxKeysPerWindow * 10)
        {
            var folded = recorder.Fold(pending);
            log.LogWarning("{Count} security events could not be written yet; folded into {Folded} (counts kept)", pending.Count, folded.Count);
            pending.Clear();
            pending.AddRange(folded);
        }
        if (services.GetService<IEventOutbox>() is not { } outbox)
        {
            log.LogWarning("{Count} security events not recorded: this process runs no role with a database", pending.Count);
            pending.Clear();
            return;
        }
        try
        {
            await outbox.Publish(pending.ToList());
            pending.Clear();
        }
        catch (Exception ex)
        {
            log.LogWarning("{Count} security events wait for the next window: {Error}", pending.Count, ex.Message);
        }
    }
}
