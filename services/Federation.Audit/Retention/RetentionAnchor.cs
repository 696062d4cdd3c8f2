using System.Security.Cryptography;
using System.Text.Json;
using Federation.Audit.Chain;
using Federation.Audit.Checkpoints;
using Federation.Audit.Data;
using Federation.Contracts.Audit;
using Federation.ServiceDefaults.Events;
using Microsoft.EntityFrameworkCore;

namespace Federation.Audit.Retention;

/// <summary>
/// What the first entry kept rests on once earlier entries were pruned: the chain hash of the signed checkpoint that ends
/// right before it, trusted only if its signature holds and the chain itself records a pruning that ended exactly there.
/// Entries removed any other way (no checkpoint ends there, or no pruning was recorded) are reported as missing.
/// </summary>
public static class RetentionAnchor
{
    private static readonly string PrunedType = EventCatalog.Urn(typeof(AuditTrailPruned));

    public static async Task<(string? Hash, BrokenLink? Problem)> Of(AuditDbContext db, long firstKept, IReadOnlyDictionary<string, ECDsa> keys,
        CancellationToken cancellationToken)
    {
        var through = firstKept - 1;
        var missing = $"entries before {firstKept} are missing";
        var checkpoint = await db.Checkpoints.AsNoTracking().SingleOrDefaultAsync(c => c.ToSequence == through, cancellationToken);
        if (checkpoint is null)
            return (null, new BrokenLink(firstKept, $"{missing} and no sealed checkpoint ends at {through} to anchor what remains"));
        var (payload, problem) = CheckpointSignature.Verify(checkpoint.Signature, keys);
        if (payload is null)
            return (null, new BrokenLink(firstKept, $"checkpoint {checkpoint.Number}, which anchors what remains after pruning: {problem}", checkpoint.Number));
        if (payload.ToJsonString() != CheckpointSignature.Payload(checkpoint).ToJsonString())
            return (null, new BrokenLink(firstKept, $"checkpoint {checkpoint.Number}, which anchors what remains after pruning, differs from what was signed",
                checkpoint.Number));

        var record = await db.Entries.AsNoTracking().Where(e => e.EventType == PrunedType).OrderByDescending(e => e.Sequence)
            .Select(e => e.Payload).FirstOrDefaultAsync(cancellationToken);
        var recorded = record is null ? null : JsonSerializer.Deserialize<AuditTrailPruned>(record, JsonSerializerOptions.Web)?.ThroughSequence;
        if (recorded != through)
            return (null, new BrokenLink(firstKept, recorded is null
                ? $"{missing} and the chain records no pruning"
                : $"{missing} but the last pruning recorded ended at {recorded}"));
        return (checkpoint.ChainHash, null);
    }
}
