using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Federation.Audit.Domain;

namespace Federation.Audit.Chain;

/// <summary>
/// The canonical form of an audit entry and its hash (README, "Canonical form"): SHA-256 over a sequence of
/// length-prefixed UTF-8 fields, so that no two different entries share an encoding and an auditor can
/// recompute it with any language's SHA-256.
/// <code>
/// field(s)  = uint32 big-endian byte length of UTF-8(s) ‖ UTF-8(s);   field(null) = FF FF FF FF
/// hash      = SHA-256( field("federation-audit-entry/v1") ‖ field(sequence) ‖ field(eventId) ‖ field(eventType)
///             ‖ field(aggregateId) ‖ field(aggregateVersion) ‖ field(actorSubject) ‖ field(actorKind) ‖ field(actorRole)
///             ‖ field(correlationId) ‖ field(occurredAt) ‖ field(recordedAt) ‖ field(payload) ‖ field(previousHash) )
/// </code>
/// Integers in invariant decimal; GUIDs lowercase 8-4-4-4-12; times UTC as <c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>;
/// hashes lowercase hex; the first entry's previous hash is 64 zeros.
/// </summary>
public static class EntryHash
{
    public const string Domain = "federation-audit-entry/v1";

    /// <summary>The previous hash of the first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    public static string Of(AuditEntry e)
    {
        using var buffer = new MemoryStream(256 + e.Payload.Length);
        Field(buffer, Domain);
        Field(buffer, e.Sequence.ToString(CultureInfo.InvariantCulture));
        Field(buffer, e.EventId.ToString("D"));
        Field(buffer, e.EventType);
        Field(buffer, e.AggregateId);
        Field(buffer, e.AggregateVersion.ToString(CultureInfo.InvariantCulture));
        Field(buffer, e.ActorSubject);
        Field(buffer, e.ActorKind);
        Field(buffer, e.ActorRole);
        Field(buffer, e.CorrelationId.ToString("D"));
        Field(buffer, Time(e.OccurredAt));
        Field(buffer, Time(e.RecordedAt));
        Field(buffer, e.Payload);
        Field(buffer, e.PreviousHash);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }

    /// <summary>A time as the chain stores and hashes it: UTC, whole microseconds.</summary>
    public static DateTime Truncate(DateTime utc) =>
        new(utc.Ticks - utc.Ticks % (TimeSpan.TicksPerMillisecond / 1000), DateTimeKind.Utc);

    public static string Time(DateTime utc) => Truncate(utc).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static void Field(Stream buffer, string? value)
    {
        Span<byte> length = stackalloc byte[4];
        if (value is null)
        {
            BinaryPrimitives.WriteUInt32BigEndian(length, uint.MaxValue);
            buffer.Write(length);
            return;
        }
        var bytes = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)bytes.Length);
        buffer.Write(length);
        buffer.Write(bytes);
    }
}
