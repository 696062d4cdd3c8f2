using Federation.ServiceDefaults.Integrity;
using Xunit;

namespace Federation.ServiceDefaults.Tests;

/// <summary>The field encoding both audit chains hash: a change here would break every stored hash.</summary>
public sealed class CanonicalFieldsTests
{
    [Fact]
    public void A_field_is_its_utf8_byte_length_big_endian_then_its_bytes()
    {
        using var buffer = new MemoryStream();
        CanonicalFields.Write(buffer, "Ünïcode ✓");
        CanonicalFields.Write(buffer, "");
        CanonicalFields.Write(buffer, null);

        byte[] expected =
        [
            0, 0, 0, 13, 0xC3, 0x9C, (byte)'n', 0xC3, 0xAF, (byte)'c', (byte)'o', (byte)'d', (byte)'e', (byte)' ', 0xE2, 0x9C, 0x93,
            0, 0, 0, 0,
            0xFF, 0xFF, 0xFF, 0xFF,
        ];
        Assert.Equal(expected, buffer.ToArray());
    }

    [Fact]
    public void A_long_field_is_written_whole_and_nothing_more()
    {
        var payload = new string('x', 5000) + "é";
        using var buffer = new MemoryStream();
        CanonicalFields.Write(buffer, payload);

        var written = buffer.ToArray();
        Assert.Equal(4 + 5002, written.Length);
        Assert.Equal([0, 0, 0x13, 0x8A], written[..4]);
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(payload), written[4..]);
    }
}
