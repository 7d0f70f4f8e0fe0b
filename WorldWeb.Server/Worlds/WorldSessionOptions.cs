using System.ComponentModel.DataAnnotations;

namespace WorldWeb.Server.Worlds;

/// <summary>Bound from the <c>Worlds</c> section.</summary>
public sealed class WorldSessionOptions
{
    public const string SectionName = "Worlds";

    /// <summary>A world nobody has watched for this long is saved and unloaded.</summary>
    [Range(1, 86_400)]
    public int IdleUnloadSeconds { get; set; } = 30;

    /// <summary>A live world is autosaved every this many steps (20 s at 20 fps), which bounds the replay after a crash.</summary>
    [Range(1, 1_000_000)]
    public int AutosaveEverySteps { get; set; } = 400;

    /// <summary>Worlds one server keeps live at once.</summary>
    [Range(1, 100_000)]
    public int MaxLiveWorlds { get; set; } = 256;

    /// <summary>Worlds of one owner (an anonymous identity or an account) live at once, so one visitor cannot fill the server.</summary>
    [Range(1, 100_000)]
    public int MaxLiveWorldsPerOwner { get; set; } = 8;

    /// <summary>Worlds one owner keeps (created or forked, live or not): the database does not grow without end.</summary>
    [Range(1, 1_000_000)]
    public int MaxWorldsPerOwner { get; set; } = 200;

    /// <summary>Named saves of one world (autosaves and fork points not counted); beyond it, delete one to save again.</summary>
    [Range(1, 100_000)]
    public int MaxSavesPerWorld { get; set; } = 100;

    /// <summary>Share links of one world that are not revoked (expired ones count until revoked).</summary>
    [Range(1, 100_000)]
    public int MaxLinksPerWorld { get; set; } = 50;
}
