using System.ComponentModel.DataAnnotations;

namespace WorldWeb.Server.Clips;

/// <summary>Rendering clips, its limits and how long clips are kept. Bound from the <c>Clips</c> section.</summary>
public sealed class ClipOptions
{
    public const string SectionName = "Clips";

    /// <summary>The encoder: Debian's <c>ffmpeg</c> (libx264) on the PATH, or a full path.</summary>
    [Required]
    public string Ffmpeg { get; set; } = "ffmpeg";

    /// <summary>The video's longer side in pixels: frames are scaled up by the whole factor that comes nearest, nearest-neighbour.</summary>
    [Range(16, 4096)]
    public int VideoSize { get; set; } = 512;

    /// <summary>libx264's preset: veryfast spends 60% of medium's CPU for a video 9% larger (docs/server.md, "Clips").</summary>
    [Required]
    public string Preset { get; set; } = "veryfast";

    /// <summary>libx264's constant quality (0 lossless … 51); 18 keeps a model's sampling noise visible.</summary>
    [Range(0, 51)]
    public int Crf { get; set; } = 18;

    /// <summary>
    /// Clips of at most this many steps (10 s at 20 fps) also get an animated GIF, for where a video does not play (a
    /// README, a forum, a chat's preview); 0 gives none. A GIF of a world's sampling noise is large: 1.4 MB for 10 s of
    /// the default model, 4× its MP4 (docs/server.md, "Clips").
    /// </summary>
    [Range(0, 1_000)]
    public int AnimationMaxSteps { get; set; } = 200;

    /// <summary>The GIF's longer side in pixels, as <see cref="VideoSize"/> for the video.</summary>
    [Range(16, 1024)]
    public int AnimationSize { get; set; } = 256;

    /// <summary>The longest clip, in steps (5 minutes at 20 fps).</summary>
    [Range(1, 1_000_000)]
    public int MaxSteps { get; set; } = 6000;

    /// <summary>
    /// The most steps a render may replay before the clip's first step (from the nearest save before it). Saves bound
    /// it: a named save, or the world's one autosave; beyond it the request is refused and says so.
    /// </summary>
    [Range(0, 10_000_000)]
    public int MaxReplaySteps { get; set; } = 72_000;

    /// <summary>Clips waiting for a renderer on this server; one more is refused (503).</summary>
    [Range(1, 10_000)]
    public int QueueLength { get; set; } = 16;

    /// <summary>Clips this server renders at once, each on its own thread of low priority.</summary>
    [Range(1, 64)]
    public int Renderers { get; set; } = 1;

    /// <summary>Clips one visitor may have queued or rendering at once (429 beyond).</summary>
    [Range(1, 1000)]
    public int MaxRendersPerVisitor { get; set; } = 2;

    /// <summary>Clips all visitors of one IP address may have queued or rendering at once (429 beyond).</summary>
    [Range(1, 1000)]
    public int MaxRendersPerAddress { get; set; } = 4;

    /// <summary>Clips one visitor keeps, failed ones included (409 beyond).</summary>
    [Range(1, 100_000)]
    public int MaxClipsPerVisitor { get; set; } = 100;

    /// <summary>Bytes of clips one visitor keeps (409 beyond: delete one or wait for one to expire).</summary>
    [Range(1, long.MaxValue)]
    public long MaxBytesPerVisitor { get; set; } = 200L * 1024 * 1024;

    /// <summary>Bytes of clips all visitors of one IP address keep.</summary>
    [Range(1, long.MaxValue)]
    public long MaxBytesPerAddress { get; set; } = 500L * 1024 * 1024;

    /// <summary>A clip is deleted this long after it was asked for.</summary>
    [Range(0.001, 3650)]
    public double KeepDays { get; set; } = 7;

    /// <summary>
    /// How long a render waits for the world's log to reach the clip's last step (a live world writes it every 250 ms;
    /// a clip may end at the step a player sees now).
    /// </summary>
    [Range(0, 600)]
    public int LogWaitSeconds { get; set; } = 10;

    /// <summary>A render that reported no progress for this long is taken for dead (its server stopped) and marked failed.</summary>
    [Range(10, 86_400)]
    public int StaleRenderSeconds { get; set; } = 120;

    /// <summary>How often expired clips are deleted, and this server tells the others that the clips it holds are alive.</summary>
    [Range(1, 3600)]
    public int SweepEverySeconds { get; set; } = 30;
}
