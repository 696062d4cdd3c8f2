using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Federation.ServiceDefaults.Integrity;

/// <summary>
/// The encoding both audit chains hash, the audit role's entries and the node agents' local entries: a sequence of
/// length-prefixed UTF-8 fields (no two different sequences share an encoding), times as UTC whole microseconds.
/// <code>
/// field(s) = uint32 big-endian byte length of UTF-8(s) ‖ UTF-8(s);   field(null) = FF FF FF FF
/// </code>
/// Changing anything here changes every stored hash: existing chains would no longer verify.
/// </summary>
public static class CanonicalFields
{
    public static void Write(Stream buffer, string? value)
    {
        Span<byte> length = stackalloc byte[4];
        if (value is null)
        {
            BinaryPrimitives.WriteUInt32BigEndian(length, uint.MaxValue);
            buffer.Write(length);
            return;
        }
        // Encoded straight into a rented buffer: the audit role hashes every entry's fields, a ~2 KiB payload among them,
        // and a new array per field was a few percent of everything that role allocates.
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(value.Length));
        try
        {
            var count = Encoding.UTF8.GetBytes(value, rented);
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)count);
            buffer.Write(length);
            buffer.Write(rented, 0, count);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Lowercase hex SHA-256 of what <paramref name="buffer"/> holds.</summary>
    public static string Sha256(MemoryStream buffer) => Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));

    /// <summary>Whole microseconds, UTC: what PostgreSQL keeps, so that a hash survives the round trip.</summary>
    public static DateTime Truncate(DateTime utc) => new(utc.Ticks - utc.Ticks % (TimeSpan.TicksPerMillisecond / 1000), DateTimeKind.Utc);

    public static string Time(DateTime utc) => Truncate(utc).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
