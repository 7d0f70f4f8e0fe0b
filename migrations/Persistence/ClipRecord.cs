namespace WorldWeb.Persistence;

/// <summary>
/// A clip: steps <see cref="FromStep"/> to <see cref="ToStep"/> of a world rendered again from its saves and action
/// log, as a video and an events file (<see cref="ClipFileRecord"/>, once ready). Its random <see cref="Id"/> is its
/// link: whoever holds it may watch and download, without rights to the world.
/// </summary>
public sealed class ClipRecord
{
    public required string Id { get; init; }
    public required string WorldId { get; init; }
    /// <summary>Who asked for it (an anonymous identity or an account): the one who may delete it.</summary>
    public required string OwnerId { get; init; }
    /// <summary>The address it was asked from, for the per-address limits; it goes with the clip.</summary>
    public required string Address { get; init; }
    public long FromStep { get; init; }
    public long ToStep { get; init; }
    /// <summary>The world's steps per second, the video's frame rate.</summary>
    public double Fps { get; init; }
    public ClipStatus Status { get; set; }
    public int Percent { get; set; }
    public string? Error { get; set; }
    /// <summary>The video's and the events file's bytes together, once ready: what counts against the storage limits.</summary>
    public long Bytes { get; set; }
    /// <summary>Its files hold a GIF too (a short clip).</summary>
    public bool HasAnimation { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Touched at every progress report while rendering, so a render whose server died is told from a slow one.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; init; }
}

public enum ClipStatus
{
    Queued = 0,
    Rendering = 1,
    Ready = 2,
    Failed = 3,
}

/// <summary>The rendered files of a clip, apart from its row so that listing and progress never read them.</summary>
public sealed class ClipFileRecord
{
    public required string ClipId { get; init; }
    public required byte[] Video { get; init; }
    public required byte[] Events { get; init; }
    /// <summary>An animated GIF of a short clip; null for longer ones (and those rendered before GIFs).</summary>
    public byte[]? Animation { get; init; }
}
