using System.Text.Json;

namespace WorldWeb.Inference.Packages;

internal static class ManifestJson
{
    // Strict on what the contract requires (missing members and nulls fail with the JSON path),
    // lenient on extra members so newer exporters can add provenance.
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };
}
