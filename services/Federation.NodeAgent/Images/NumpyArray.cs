using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Federation.NodeAgent.Images;

/// <summary>
/// Reads the NumPy .npy format (version 1 and 2) that Orthanc's <c>/instances/{id}/numpy</c> returns: a header naming
/// the element type and shape, then the elements in C order. Orthanc 1.10 sends little-endian float32; integer
/// types are read too, so that another Orthanc version's choice does not break training.
/// </summary>
public static partial class NumpyArray
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static float[] Read(ReadOnlySpan<byte> file)
    {
        if (file.Length < 10 || !file[..6].SequenceEqual(Magic))
            throw new FormatException("Not a .npy array.");
        var major = file[6];
        var (headerLength, start) = major == 1 ? (BinaryPrimitives.ReadUInt16LittleEndian(file[8..]), 10) : ((int)BinaryPrimitives.ReadUInt32LittleEndian(file[8..]), 12);
        var header = Encoding.ASCII.GetString(file.Slice(start, headerLength));
        if (header.Contains("'fortran_order': True", StringComparison.Ordinal))
            throw new FormatException("Fortran-ordered .npy arrays are not read.");
        var type = Descr().Match(header) is { Success: true } m ? m.Groups[1].Value : throw new FormatException("A .npy header without descr.");
        var data = file[(start + headerLength)..];
        var (size, read) = type switch
        {
            "<f4" => (4, (Func<ReadOnlySpan<byte>, float>)(b => BinaryPrimitives.ReadSingleLittleEndian(b))),
            "<f8" => (8, b => (float)BinaryPrimitives.ReadDoubleLittleEndian(b)),
            "|u1" or "<u1" => (1, b => b[0]),
            "<u2" => (2, b => BinaryPrimitives.ReadUInt16LittleEndian(b)),
            "<i2" => (2, b => BinaryPrimitives.ReadInt16LittleEndian(b)),
            "<u4" => (4, b => BinaryPrimitives.ReadUInt32LittleEndian(b)),
            "<i4" => (4, b => BinaryPrimitives.ReadInt32LittleEndian(b)),
            _ => throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"The .npy element type {type} is not read.")),
        };
        var values = new float[data.Length / size];
        for (var i = 0; i < values.Length; i++)
            values[i] = read(data.Slice(i * size, size));
        return values;
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex Descr();
}
