using System.ComponentModel.DataAnnotations;

namespace WorldWeb.Server.Operations;

/// <summary>How long what no one needs any more is kept. Bound from the <c>Retention</c> section.</summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>
    /// Logged actions that no resume can need (at or before their world's furthest save) are deleted once they are
    /// this old; until then they stay, to look into a world's history.
    /// </summary>
    [Range(0, 36_500)]
    public int ActionLogDays { get; set; } = 30;

    /// <summary>Share links revoked or expired this long ago are deleted (they open nothing; the owner's list stays short).</summary>
    [Range(1, 36_500)]
    public int DeadLinkDays { get; set; } = 30;

    /// <summary>Audit entries older than this are deleted.</summary>
    [Range(1, 36_500)]
    public int AuditDays { get; set; } = 365;

    [Range(1, 10_080)]
    public int SweepEveryMinutes { get; set; } = 60;
}
