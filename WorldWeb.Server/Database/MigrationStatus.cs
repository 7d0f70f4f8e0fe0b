namespace WorldWeb.Server.Database;

/// <summary>Whether the start-up migration has finished, for the health check.</summary>
public sealed class MigrationStatus
{
    private volatile string? _applied;

    /// <summary>The last migration applied at start, or null while migrating.</summary>
    public string? Applied => _applied;

    public void MarkApplied(string lastMigration) => _applied = lastMigration;
}
