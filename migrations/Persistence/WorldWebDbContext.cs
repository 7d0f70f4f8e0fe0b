using Microsoft.EntityFrameworkCore;

namespace WorldWeb.Persistence;

/// <summary>
/// The database of WorldWeb. It lives beside its migrations because the server, which applies them at start,
/// must reference the migrations assembly, and the migrations must reference the context type.
/// </summary>
public sealed class WorldWebDbContext(DbContextOptions<WorldWebDbContext> options) : DbContext(options)
{
    public DbSet<WorldRecord> Worlds => Set<WorldRecord>();
    public DbSet<SaveRecord> Saves => Set<SaveRecord>();
    public DbSet<ActionLogChunk> ActionLog => Set<ActionLogChunk>();
    public DbSet<ShareLinkRecord> ShareLinks => Set<ShareLinkRecord>();
    public DbSet<MemoryEntryRecord> MemoryEntries => Set<MemoryEntryRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(WorldWebDbContext).Assembly);
}
