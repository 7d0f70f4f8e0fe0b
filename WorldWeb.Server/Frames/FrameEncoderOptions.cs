using System.ComponentModel.DataAnnotations;

namespace WorldWeb.Server.Frames;

/// <summary>How frames travel to viewers. Bound from the <c>Frames</c> section; docs/server.md ("Frame encoding") has the numbers behind the default.</summary>
public sealed class FrameEncoderOptions
{
    public const string SectionName = "Frames";

    [EnumDataType(typeof(FrameFormat))]
    public FrameFormat Format { get; set; } = FrameFormat.Jpeg;

    /// <summary>For the lossy formats (JPEG, WebP).</summary>
    [Range(1, 100)]
    public int Quality { get; set; } = 90;
}
