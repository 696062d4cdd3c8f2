using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Federation.Audit.Domain;
using Federation.ServiceDefaults.Integrity;

namespace Federation.Audit.Chain;

/// <summary>
/// The canonical forms of an audit entry and its hash (README, "Canonical form"): SHA-256 over a sequence of
/// length-prefixed UTF-8 fields, so that no two different entries share an encoding and an auditor can
/// recompute it with any language's SHA-256.
/// <code>
/// field(s)  = uint32 big-endian byte length of UTF-8(s) ‖ UTF-8(s);   field(null) = FF FF FF FF
/// v1 hash   = SHA-256( field("federation-audit-entry/v1") ‖ envelope ‖ field(payload) ‖ field(previousHash) )
/// v2 hash   = SHA-256( field("federation-audit-entry/v2") ‖ envelope ‖ field(payload) ‖ field(actorClient) ‖ field(service)
///             ‖ field(node) ‖ field(purpose) ‖ field(purposeCodes) ‖ field(entitlements) ‖ field(outcome) ‖ field(outcomeDetail)
///             ‖ field(contentHash) ‖ field(previousHash) )
/// envelope  = field(sequence) ‖ field(eventId) ‖ field(eventType) ‖ field(aggregateId) ‖ field(aggregateVersion) ‖ field(actorSubject)
///             ‖ field(actorKind) ‖ field(actorRole) ‖ field(correlationId) ‖ field(occurredAt) ‖ field(recordedAt)
/// </code>
/// Integers in invariant decimal; GUIDs lowercase 8-4-4-4-12; times UTC as <c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>;
/// hashes lowercase hex; the first entry's previous hash is 64 zeros. Form 2 adds the entry's context (who acted
/// through which client, where, why, the outcome, the hash of released content), so that it is sealed like the rest.
/// </summary>
public static class EntryHash
{
    public const string Domain = "federation-audit-entry/v1";
    public const string DomainV2 = "federation-audit-entry/v2";

    /// <summary>The form new entries are hashed with.</summary>
    public const int CurrentFormat = 2;

    /// <summary>The previous hash of the first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>The entry's hash in its own <see cref="AuditEntry.Format"/>; an unknown form throws <see cref="FormatException"/>.</summary>
    public static string Of(AuditEntry e)
    {
        if (e.Format is not (1 or 2))
            throw new FormatException($"Entry {e.Sequence} names canonical form {e.Format}, which this release does not know.");
        // Sized for the long fields up front (a growing stream copies itself each time it doubles).
        using var buffer = new MemoryStream(512 + e.Payload.Length + (e.Purpose?.Length ?? 0) + (e.Entitlements?.Length ?? 0)
            + (e.OutcomeDetail?.Length ?? 0) + (e.PurposeCodes?.Length ?? 0));
        CanonicalFields.Write(buffer, e.Format == 1 ? Domain : DomainV2);
        CanonicalFields.Write(buffer, e.Sequence.ToString(CultureInfo.InvariantCulture));
        CanonicalFields.Write(buffer, e.EventId.ToString("D"));
        CanonicalFields.Write(buffer, e.EventType);
        CanonicalFields.Write(buffer, e.AggregateId);
        CanonicalFields.Write(buffer, e.AggregateVersion.ToString(CultureInfo.InvariantCulture));
        CanonicalFields.Write(buffer, e.ActorSubject);
        CanonicalFields.Write(buffer, e.ActorKind);
        CanonicalFields.Write(buffer, e.ActorRole);
        CanonicalFields.Write(buffer, e.CorrelationId.ToString("D"));
        CanonicalFields.Write(buffer, Time(e.OccurredAt));
        CanonicalFields.Write(buffer, Time(e.RecordedAt));
        CanonicalFields.Write(buffer, e.Payload);
        if (e.Format == 2)
        {
            CanonicalFields.Write(buffer, e.ActorClient);
            CanonicalFields.Write(buffer, e.Service);
            CanonicalFields.Write(buffer, e.Node);
            CanonicalFields.Write(buffer, e.Purpose);
            CanonicalFields.Write(buffer, e.PurposeCodes);
            CanonicalFields.Write(buffer, e.Entitlements);
            CanonicalFields.Write(buffer, e.Outcome);
            CanonicalFields.Write(buffer, e.OutcomeDetail);
            CanonicalFields.Write(buffer, e.ContentHash);
        }
        CanonicalFields.Write(buffer, e.PreviousHash);
        return CanonicalFields.Sha256(buffer);
    }

    /// <summary>A time as the chain stores and hashes it: UTC, whole microseconds.</summary>
    public static DateTime Truncate(DateTime utc) => CanonicalFields.Truncate(utc);

    public static string Time(DateTime utc) => CanonicalFields.Time(utc);
}
