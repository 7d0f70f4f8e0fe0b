using System.Text.Json;
using System.Text.Json.Serialization;

namespace WorldWeb.Inference.Packages;

/// <summary>One dimension of a tensor shape in world.json: a fixed size, or the dynamic <c>"batch"</c>.</summary>
[JsonConverter(typeof(TensorDimJsonConverter))]
public readonly record struct TensorDim
{
    public const string BatchSymbol = "batch";

    private TensorDim(long size, bool isBatch)
    {
        Size = size;
        IsBatch = isBatch;
    }

    public static TensorDim Batch { get; } = new(-1, true);

    public static TensorDim Fixed(long size) => new(size, false);

    /// <summary>The fixed size; -1 for the batch dimension.</summary>
    public long Size { get; }

    public bool IsBatch { get; }

    public override string ToString() => IsBatch ? BatchSymbol : Size.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

internal sealed class TensorDimJsonConverter : JsonConverter<TensorDim>
{
    public override TensorDim Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long size))
        {
            return TensorDim.Fixed(size);
        }
        if (reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(TensorDim.BatchSymbol))
        {
            return TensorDim.Batch;
        }
        throw new JsonException($"a shape dimension must be an integer or \"{TensorDim.BatchSymbol}\"");
    }

    public override void Write(Utf8JsonWriter writer, TensorDim value, JsonSerializerOptions options)
    {
        if (value.IsBatch)
        {
            writer.WriteStringValue(TensorDim.BatchSymbol);
        }
        else
        {
            writer.WriteNumberValue(value.Size);
        }
    }
}
