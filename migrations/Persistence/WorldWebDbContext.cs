using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace WorldWeb.Persistence;

/// <summary>
/// The database of WorldWeb, accounts (ASP.NET Core Identity) included. It lives beside its migrations because
/// the server, which applies them at start, must reference the migrations assembly, and the migrations must
/// reference the context type. It also keeps the server's Data Protection keys (what cookies are encrypted with), so
/// that cookies outlive a restart and hold on every node, and no file on the server's disk can forge one.
/// </summary>
public sealed class WorldWebDbContext(DbContextOptions<WorldWebDbContext> options) : IdentityDbContext<IdentityUser>(options), IDataProtectionKeyContext
{
    public DbSet<WorldRecord> Worlds => Set<WorldRecord>();
    public DbSet<SaveRecord> Saves => Set<SaveRecord>();
    public DbSet<ActionLogChunk> ActionLog => Set<ActionLogChunk>();
    public DbSet<ShareLinkRecord> ShareLinks => Set<ShareLinkRecord>();
    public DbSet<MemoryEntryRecord> MemoryEntries => Set<MemoryEntryRecord>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    public DbSet<ClipRecord> Clips => Set<ClipRecord>();
    public DbSet<ClipFileRecord> ClipFiles => Set<ClipFileRecord>();
    public DbSet<WorldVisitRecord> WorldVisits => Set<WorldVisitRecord>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<ClusterVersionRecord> ClusterVersions => Set<ClusterVersionRecord>();
    public DbSet<ClusterMemberRecord> ClusterMembers => Set<ClusterMemberRecord>();
    public DbSet<ClusterNodeRecord> ClusterNodes => Set<ClusterNodeRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // Identity names its tables AspNetUsers and so on; the rest of this database is snake_case.
        modelBuilder.Entity<IdentityUser>().ToTable("users");
        modelBuilder.Entity<IdentityRole>().ToTable("roles");
        modelBuilder.Entity<IdentityUserRole<string>>().ToTable("user_roles");
        modelBuilder.Entity<IdentityUserClaim<string>>().ToTable("user_claims");
        modelBuilder.Entity<IdentityUserLogin<string>>().ToTable("user_logins");
        modelBuilder.Entity<IdentityUserToken<string>>().ToTable("user_tokens");
        modelBuilder.Entity<IdentityRoleClaim<string>>().ToTable("role_claims");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(WorldWebDbContext).Assembly);
    }
}
