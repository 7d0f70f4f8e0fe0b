using System.ComponentModel.DataAnnotations;

namespace WorldWeb.Server.ActionLog;

/// <summary>Bound from the <c>ActionLog</c> section.</summary>
public sealed class ActionLogOptions
{
    public const string SectionName = "ActionLog";

    /// <summary>How often buffered actions are written; at most a second, so a crash loses at most that much play.</summary>
    [Range(10, 1000)]
    public int FlushMilliseconds { get; set; } = 250;

    /// <summary>
    /// Unwritten actions at which worlds stop stepping until the database takes them (one byte each in the database,
    /// about 60 in memory): 200,000 is 100 worlds for 100 s.
    /// </summary>
    [Range(100, 100_000_000)]
    public int MaxPending { get; set; } = 200_000;
}
