using System.Text;
using Federation.NodeAgent.Images;
using Xunit;

namespace Federation.NodeAgent.Tests.Tasks;

/// <summary>The .npy reader behind training's pixel statistics: the element types Orthanc may send, and refusals of what it is not.</summary>
public sealed class NumpyArrayTests
{
    [Fact]
    public void Reads_float32_as_Orthanc_sends_it_and_16_bit_integers()
    {
        Assert.Equal([0f, 60f, 255f], NumpyArray.Read(File("<f4", "(1, 3, 1)", [.. BitConverter.GetBytes(0f), .. BitConverter.GetBytes(60f), .. BitConverter.GetBytes(255f)])));
        Assert.Equal([4095f, 1f], NumpyArray.Read(File("<u2", "(2,)", [0xFF, 0x0F, 0x01, 0x00])));
        Assert.Equal([-1024f], NumpyArray.Read(File("<i2", "(1,)", [0x00, 0xFC])));
    }

    [Fact]
    public void Refuses_what_is_not_a_C_ordered_array_of_a_known_type()
    {
        Assert.Throws<FormatException>(() => NumpyArray.Read("not an array"u8));
        Assert.Throws<FormatException>(() => NumpyArray.Read(File("<c16", "(1,)", new byte[16])));
        Assert.Throws<FormatException>(() => NumpyArray.Read(File("<f4", "(1,)", new byte[4], fortran: true)));
    }

    // Version 1.0: magic, version, a little-endian header length, the header dict padded with spaces to 64 bytes, the data.
    private static byte[] File(string descr, string shape, byte[] data, bool fortran = false)
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
        header = header.PadRight(((header.Length + 11) / 64 + 1) * 64 - 11) + "\n";
        return [0x93, .. "NUMPY"u8, 1, 0, (byte)(header.Length & 0xFF), (byte)(header.Length >> 8), .. Encoding.ASCII.GetBytes(header), .. data];
    }
}
