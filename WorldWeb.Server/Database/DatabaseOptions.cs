using System.ComponentModel.DataAnnotations;

namespace WorldWeb.Server.Database;

/// <summary>
/// How long a statement may wait on a database that answers nothing (a lock held by a migration, say). Bound from the
/// <c>Database</c> section. Past its budget a statement is cancelled by PostgreSQL (<c>statement_timeout</c>), so a
/// player is told at once, and a writer keeps its rows for the next flush.
/// </summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>Per statement on a path someone waits on: joining, opening, saving a world, hub calls.</summary>
    [Range(1, 300)]
    public int InteractiveSeconds { get; set; } = 5;

    /// <summary>Per statement of the background writers (action log, memory); while it runs, a flush of the same queue waits.</summary>
    [Range(1, 600)]
    public int WriteSeconds { get; set; } = 15;

    public TimeSpan Interactive => TimeSpan.FromSeconds(InteractiveSeconds);

    public TimeSpan Write => TimeSpan.FromSeconds(WriteSeconds);
}
