using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace WorldWeb.Persistence;

internal sealed class WorldRecordConfiguration : IEntityTypeConfiguration<WorldRecord>
{
    public void Configure(EntityTypeBuilder<WorldRecord> world)
    {
        world.ToTable("worlds");
        world.Property(w => w.Id).HasMaxLength(32);
        world.Property(w => w.Title).HasMaxLength(100);
        world.Property(w => w.Model).HasMaxLength(100);
        world.Property(w => w.OwnerId).HasMaxLength(64);
        world.HasIndex(w => w.OwnerId);
        world.HasIndex(w => w.IsPublic);
        world.Property(w => w.MemoryEnabled).HasDefaultValue(true).HasSentinel(true);
    }
}

internal sealed class SaveRecordConfiguration : IEntityTypeConfiguration<SaveRecord>
{
    public void Configure(EntityTypeBuilder<SaveRecord> save)
    {
        save.ToTable("saves");
        save.Property(s => s.Name).HasMaxLength(100);
        save.HasOne<WorldRecord>().WithMany().HasForeignKey(s => s.WorldId).OnDelete(DeleteBehavior.Cascade);
        save.HasIndex(s => new { s.WorldId, s.Step });
        save.Property(s => s.MemorySteps).HasDefaultValueSql("'{}'::bigint[]");
    }
}

internal sealed class ActionLogChunkConfiguration : IEntityTypeConfiguration<ActionLogChunk>
{
    public void Configure(EntityTypeBuilder<ActionLogChunk> chunk)
    {
        chunk.ToTable("action_log");
        chunk.Property(c => c.Actors).HasColumnType("jsonb");
        chunk.HasOne<WorldRecord>().WithMany().HasForeignKey(c => c.WorldId).OnDelete(DeleteBehavior.Cascade);
        chunk.HasIndex(c => new { c.WorldId, c.FirstStep });
    }
}

internal sealed class ShareLinkRecordConfiguration : IEntityTypeConfiguration<ShareLinkRecord>
{
    public void Configure(EntityTypeBuilder<ShareLinkRecord> link)
    {
        link.ToTable("share_links");
        link.Property(l => l.Role).HasMaxLength(16);
        link.Property(l => l.TokenHash).HasMaxLength(32);
        link.HasIndex(l => l.TokenHash).IsUnique();
        link.HasOne<WorldRecord>().WithMany().HasForeignKey(l => l.WorldId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MemoryEntryRecordConfiguration : IEntityTypeConfiguration<MemoryEntryRecord>
{
    public void Configure(EntityTypeBuilder<MemoryEntryRecord> entry)
    {
        entry.ToTable("memory_entries");
        entry.HasKey(e => new { e.WorldId, e.Step });
        entry.HasOne<WorldRecord>().WithMany().HasForeignKey(e => e.WorldId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> entry)
    {
        entry.ToTable("audit_log");
        entry.Property(e => e.ActorId).HasMaxLength(64);
        entry.Property(e => e.ActorEmail).HasMaxLength(256);
        entry.Property(e => e.Action).HasMaxLength(64);
        entry.Property(e => e.Target).HasMaxLength(64);
        entry.Property(e => e.Detail).HasMaxLength(500);
        entry.HasIndex(e => e.At);
        entry.HasIndex(e => e.ActorId);
        entry.HasIndex(e => e.Action);
    }
}

internal sealed class ClusterVersionRecordConfiguration : IEntityTypeConfiguration<ClusterVersionRecord>
{
    public void Configure(EntityTypeBuilder<ClusterVersionRecord> version)
    {
        version.ToTable("cluster_versions");
        version.HasKey(v => v.ClusterId);
        version.Property(v => v.ClusterId).HasMaxLength(64);
    }
}

internal sealed class ClusterMemberRecordConfiguration : IEntityTypeConfiguration<ClusterMemberRecord>
{
    public void Configure(EntityTypeBuilder<ClusterMemberRecord> member)
    {
        member.ToTable("cluster_members");
        member.HasKey(m => new { m.ClusterId, m.Address });
        member.Property(m => m.ClusterId).HasMaxLength(64);
        member.Property(m => m.Address).HasMaxLength(128);
        member.Property(m => m.HostName).HasMaxLength(256);
        member.Property(m => m.SiloName).HasMaxLength(256);
        member.Property(m => m.ETag).HasColumnName("etag");
    }
}

internal sealed class ClusterNodeRecordConfiguration : IEntityTypeConfiguration<ClusterNodeRecord>
{
    public void Configure(EntityTypeBuilder<ClusterNodeRecord> node)
    {
        node.ToTable("cluster_nodes");
        node.HasKey(n => new { n.ClusterId, n.Address });
        node.Property(n => n.ClusterId).HasMaxLength(64);
        node.Property(n => n.Address).HasMaxLength(128);
        node.Property(n => n.Url).HasMaxLength(256);
        node.Property(n => n.Report).HasColumnType("jsonb");
    }
}

internal sealed class ClipRecordConfiguration : IEntityTypeConfiguration<ClipRecord>
{
    public void Configure(EntityTypeBuilder<ClipRecord> clip)
    {
        clip.ToTable("clips");
        clip.Property(c => c.Id).HasMaxLength(32);
        clip.Property(c => c.OwnerId).HasMaxLength(64);
        clip.Property(c => c.Address).HasMaxLength(64);
        clip.Property(c => c.Error).HasMaxLength(500);
        // A world deleted (by its owner, or by an admin for what it shows) takes its clips with it.
        clip.HasOne<WorldRecord>().WithMany().HasForeignKey(c => c.WorldId).OnDelete(DeleteBehavior.Cascade);
        clip.HasIndex(c => new { c.OwnerId, c.Status });
        clip.HasIndex(c => new { c.Address, c.Status });
        clip.HasIndex(c => c.ExpiresAt);
    }
}

internal sealed class ClipFileRecordConfiguration : IEntityTypeConfiguration<ClipFileRecord>
{
    public void Configure(EntityTypeBuilder<ClipFileRecord> file)
    {
        file.ToTable("clip_files");
        file.HasKey(f => f.ClipId);
        file.HasOne<ClipRecord>().WithOne().HasForeignKey<ClipFileRecord>(f => f.ClipId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WorldVisitRecordConfiguration : IEntityTypeConfiguration<WorldVisitRecord>
{
    public void Configure(EntityTypeBuilder<WorldVisitRecord> visit)
    {
        visit.ToTable("world_visits");
        visit.HasKey(v => new { v.WorldId, v.VisitorId });
        visit.Property(v => v.VisitorId).HasMaxLength(64);
        visit.HasOne<WorldRecord>().WithMany().HasForeignKey(v => v.WorldId).OnDelete(DeleteBehavior.Cascade);
    }
}
