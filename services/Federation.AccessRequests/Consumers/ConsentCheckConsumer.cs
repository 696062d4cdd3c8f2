using Federation.AccessRequests.Api;
using Federation.AccessRequests.Data;
using Federation.Contracts;
using Federation.Contracts.Consent;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.AccessRequests.Consumers;

/// <summary>
/// Records the consent role's check of a submission on the request, where reviewers see it before they
/// decide; it also tells which data holder reviews each dataset and starts their review timers.
/// A check of an earlier submission (the request was returned and resubmitted since) changes nothing.
/// </summary>
public sealed class ConsentCheckConsumer(GroupCommit<AccessDbContext> store, [FromKeyedServices(AccessRequestsModule.ClockKey)] TimeProvider clock)
    : InboxConsumer<AccessDbContext, DataUseCheckCompleted>(store)
{
    protected override async Task Apply(AccessDbContext db, ConsumeContext<DataUseCheckCompleted> context, CancellationToken cancellationToken)
    {
        var check = context.Message;
        var request = await db.AccessRequests.FirstOrDefaultAsync(r => r.Id == check.RequestId, cancellationToken);
        if (request is null)
            return;
        var policies = await AccessRequestsApi.Policies(db, check.Checks.Select(c => c.DataHolder), cancellationToken);
        var stamp = new EventStamp(Actor.Service(AccessRequestsModule.Name), check.CorrelationId, clock);
        if (request.RecordConsentCheck(check.RequestVersion, check.Checks, policies, stamp) is { } recorded)
            db.Publish(recorded);
    }
}
