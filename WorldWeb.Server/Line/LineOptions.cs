using System.ComponentModel.DataAnnotations;

namespace WorldWeb.Server.Line;

/// <summary>The line for a place when the server is full, bound from the <c>Line</c> section.</summary>
public sealed class LineOptions
{
    public const string SectionName = "Line";

    /// <summary>Places one client address may hold in the line of one model: a flood of identities from one address stands behind at most this many of its own.</summary>
    [Range(1, 10_000)]
    public int MaxPlacesPerAddress { get; set; } = 3;

    /// <summary>Joins that may wait for one model at once; beyond it a join is refused, as it was before there was a line.</summary>
    [Range(1, 1_000_000)]
    public int MaxLength { get; set; } = 10_000;

    /// <summary>How often a waiting join renews its place (and hears its position), and the head of the line asks for a place.</summary>
    [Range(100, 60_000)]
    public int RenewMilliseconds { get; set; } = 1000;

    /// <summary>A place not renewed for this long is given up: its client left, or the node it waited on died.</summary>
    [Range(1, 3600)]
    public int LeaseSeconds { get; set; } = 5;
}
