using System.ComponentModel.DataAnnotations;

namespace WorldWeb.Server.ActionLog;

/// <summary>Bound from the <c>ActionLog</c> section.</summary>
public sealed class ActionLogOptions
{
    public const string SectionName = "ActionLog";

    /// <summary>How often buffered actions are written; at most a second, so a crash loses at most that much play.</summary>
    [Range(10, 1000)]
    public int FlushMilliseconds { get; set; } = 250;
}
