using Federation.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Federation.ServiceDefaults.Messaging;

/// <summary>
/// A consumer's failure handling: retry in process a few times, then schedule a durable redelivery
/// (an outbox row due later, sent back to the same endpoint with the same message id), and after the
/// last redelivery let MassTransit move the message to the endpoint's <c>_error</c> queue.
/// <para>
/// Why not MassTransit's delayed redelivery: it needs the broker's delayed-exchange plugin or a
/// Quartz/Hangfire scheduler, none of which exist here; the outbox already is a durable timer.
/// </para>
/// </summary>
internal sealed class RetryThenRedeliverFilter<TConsumer, TMessage, TDb>(
    string endpoint,
    MessagingOptions options,
    IDbContextFactory<TDb> factory,
    TimeProvider clock,
    ILogger log) : IFilter<ConsumerConsumeContext<TConsumer, TMessage>>
    where TConsumer : class
    where TMessage : class
    where TDb : ServiceDbContext
{
    public const string RedeliveryHeader = "Federation-Redelivery";

    public void Probe(ProbeContext context) => context.CreateFilterScope("retryThenRedeliver");

    public async Task Send(ConsumerConsumeContext<TConsumer, TMessage> context, IPipe<ConsumerConsumeContext<TConsumer, TMessage>> next)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await next.Send(context);
                return;
            }
            catch (Exception ex) when (!context.CancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
            {
                if (attempt < options.RetryIntervals.Length)
                {
                    await Task.Delay(options.RetryIntervals[attempt], clock, context.CancellationToken);
                    continue;
                }
                if (await TryScheduleRedelivery(context, ex))
                    return;
                throw;
            }
        }
    }

    private async Task<bool> TryScheduleRedelivery(ConsumeContext<TMessage> context, Exception failure)
    {
        var done = int.TryParse(context.Headers.Get<string>(RedeliveryHeader), out var count) ? count : 0;
        if (done >= options.RedeliveryDelays.Length)
        {
            log.LogError(failure, "{MessageType} {MessageId} failed on {Endpoint} after {Redeliveries} redeliveries; moving it to the error queue",
                typeof(TMessage).Name, context.MessageId, endpoint, done);
            return false;
        }

        var dueAt = clock.GetUtcNow() + options.RedeliveryDelays[done];
        try
        {
            await using var db = await factory.CreateDbContextAsync(context.CancellationToken);
            db.Schedule(context.Message, context.MessageId ?? Guid.NewGuid(), new Uri($"exchange:{endpoint}"), dueAt, context.CorrelationId,
                new Dictionary<string, string> { [RedeliveryHeader] = (done + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) });
            await db.SaveChangesAsync(context.CancellationToken);
        }
        catch (Exception ex) when (!context.CancellationToken.IsCancellationRequested)
        {
            // Without its own database the service cannot promise a later try; the error queue keeps the message.
            log.LogError(ex, "Could not schedule redelivery of {MessageType} {MessageId} on {Endpoint}", typeof(TMessage).Name, context.MessageId, endpoint);
            return false;
        }

        log.LogWarning("{MessageType} {MessageId} failed on {Endpoint} ({Error}); redelivery {Redelivery} at {DueAt:O}",
            typeof(TMessage).Name, context.MessageId, endpoint, failure.Message, done + 1, dueAt);
        return true;
    }
}
