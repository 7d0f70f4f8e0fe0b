using System.Text;
using WorldWeb.Inference.Npy;

namespace WorldWeb.Tests.Inference;

/// <summary>The .npy samples were written by numpy in make_fixture_models.py.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class NpyReaderTests
{
    [Fact]
    public void Read_Uint8FromNumpy_RoundTrips()
    {
        NpyArray array = NpyReader.Read(Fixtures.File("npy", "uint8_v1.npy"));

        Assert.Equal(NpyDtype.UInt8, array.Dtype);
        Assert.Equal([2L, 3, 4], array.Shape);
        Assert.Equal(Enumerable.Range(0, 24).Select(i => (byte)(i * 7 % 256)), array.Data<byte>().ToArray());
    }

    [Fact]
    public void Read_Int64FromNumpy_RoundTrips()
    {
        NpyArray array = NpyReader.Read(Fixtures.File("npy", "int64_v1.npy"));

        Assert.Equal([6L], array.Shape);
        Assert.Equal(Enumerable.Range(-3, 6).Select(i => i * 1_000_000_000_000L), array.Data<long>().ToArray());
    }

    [Fact]
    public void Read_Float32Version2Header_RoundTrips()
    {
        NpyArray array = NpyReader.Read(Fixtures.File("npy", "float32_v2.npy"));

        Assert.Equal([3L, 4], array.Shape);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i / 8f - 0.5f), array.Data<float>().ToArray());
    }

    [Fact]
    public void Read_Scalar_HasEmptyShapeAndOneElement()
    {
        NpyArray array = NpyReader.Read(Fixtures.File("npy", "float32_scalar.npy"));

        Assert.Empty(array.Shape);
        Assert.Equal([2.5f], array.Data<float>().ToArray());
    }

    [Fact]
    public void Data_OfWrongElementType_Throws()
    {
        NpyArray array = NpyReader.Read(Fixtures.File("npy", "uint8_v1.npy"));

        Assert.Throws<InvalidOperationException>(() => array.Data<float>().Length);
    }

    [Theory]
    [InlineData("float64.npy", "dtype '<f8' is not supported")]
    [InlineData("float32_bigendian.npy", "dtype '>f4' is not supported")]
    [InlineData("float32_fortran.npy", "Fortran order")]
    public void Read_UnsupportedArray_SaysWhy(string file, string expected)
    {
        var ex = Assert.Throws<NpyFormatException>(() => NpyReader.Read(Fixtures.File("npy", file)));

        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Read_NotNpy_IsRefused()
    {
        var ex = Assert.Throws<NpyFormatException>(() => NpyReader.Read(new MemoryStream(Encoding.ASCII.GetBytes("PK\x03\x04 a zip file"))));

        Assert.Contains("not a .npy file", ex.Message);
    }

    [Fact]
    public void Read_Version3Header_IsRefused()
    {
        byte[] bytes = File.ReadAllBytes(Fixtures.File("npy", "uint8_v1.npy"));
        bytes[6] = 3;

        var ex = Assert.Throws<NpyFormatException>(() => NpyReader.Read(new MemoryStream(bytes)));

        Assert.Contains(".npy version 3.0 is not supported", ex.Message);
    }

    [Fact]
    public void Read_HeaderWithoutShape_IsRefused()
    {
        var ex = Assert.Throws<NpyFormatException>(() => NpyReader.Read(new MemoryStream(Npy("{'descr': '<f4', 'fortran_order': False, }"))));

        Assert.Contains("not a dictionary with descr, fortran_order and shape", ex.Message);
    }

    [Fact]
    public void Read_TruncatedData_IsRefused()
    {
        byte[] bytes = File.ReadAllBytes(Fixtures.File("npy", "uint8_v1.npy"));

        var ex = Assert.Throws<NpyFormatException>(() => NpyReader.Read(new MemoryStream(bytes[..^1])));

        Assert.Contains("the file ends before 24 elements of UInt8", ex.Message);
    }

    private static byte[] Npy(string header)
    {
        var stream = new MemoryStream();
        stream.Write([0x93, .. "NUMPY"u8, 1, 0]);
        byte[] text = Encoding.ASCII.GetBytes(header + "\n");
        stream.Write(BitConverter.GetBytes((ushort)text.Length));
        stream.Write(text);
        return stream.ToArray();
    }
}
