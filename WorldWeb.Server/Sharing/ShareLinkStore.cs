using Microsoft.EntityFrameworkCore;
using WorldWeb.Persistence;

namespace WorldWeb.Server.Sharing;

public enum ShareLinkStatus
{
    Valid,
    Unknown,
    Revoked,
    Expired,
}

/// <summary>Share links in the database, looked up by the hash of their token.</summary>
public sealed class ShareLinkStore(IDbContextFactory<WorldWebDbContext> contexts, LinkGrants grants, TimeProvider clock)
{
    public async Task<(ShareLinkRecord Link, string Token)> CreateAsync(string worldId, string role, TimeSpan? lifetime, CancellationToken cancellationToken)
    {
        string token = ShareTokens.NewToken();
        DateTimeOffset now = clock.GetUtcNow();
        var link = new ShareLinkRecord
        {
            Id = Guid.NewGuid(),
            WorldId = worldId,
            TokenHash = ShareTokens.Hash(token),
            Role = role,
            CreatedAt = now,
            ExpiresAt = lifetime is { } span ? now + span : null,
        };
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        db.ShareLinks.Add(link);
        await db.SaveChangesAsync(cancellationToken);
        return (link, token);
    }

    public async Task<(ShareLinkStatus Status, ShareLinkRecord? Link)> ResolveAsync(string token, CancellationToken cancellationToken)
    {
        byte[] hash = ShareTokens.Hash(token);
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        ShareLinkRecord? link = await db.ShareLinks.AsNoTracking().FirstOrDefaultAsync(l => l.TokenHash == hash, cancellationToken);
        ShareLinkStatus status = link switch
        {
            null => ShareLinkStatus.Unknown,
            { RevokedAt: not null } => ShareLinkStatus.Revoked,
            { ExpiresAt: { } expires } when expires <= clock.GetUtcNow() => ShareLinkStatus.Expired,
            _ => ShareLinkStatus.Valid,
        };
        return (status, link);
    }

    /// <summary>The link, whatever its state; null when there is none.</summary>
    public async Task<ShareLinkRecord?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ShareLinks.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
    }

    /// <summary>Links of the world that are not revoked.</summary>
    public async Task<int> CountUnrevokedAsync(string worldId, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ShareLinks.CountAsync(l => l.WorldId == worldId && l.RevokedAt == null, cancellationToken);
    }

    public async Task<List<ShareLinkRecord>> ListAsync(string worldId, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ShareLinks.AsNoTracking().Where(l => l.WorldId == worldId).OrderBy(l => l.CreatedAt).ToListAsync(cancellationToken);
    }

    /// <summary>Which of <paramref name="linkIds"/> still stand: they exist and are not revoked (expiry is told by their time).</summary>
    public async Task<HashSet<Guid>> StandingAsync(IReadOnlyCollection<Guid> linkIds, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        return [.. await db.ShareLinks.AsNoTracking().Where(l => linkIds.Contains(l.Id) && l.RevokedAt == null).Select(l => l.Id).ToListAsync(cancellationToken)];
    }

    /// <summary>False when the world has no such link. Connections here that joined through it lose it at once, those on other nodes within a second (<see cref="LinkEndings"/>).</summary>
    public async Task<bool> RevokeAsync(string worldId, Guid linkId, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        ShareLinkRecord? link = await db.ShareLinks.FirstOrDefaultAsync(l => l.Id == linkId && l.WorldId == worldId, cancellationToken);
        if (link is null)
        {
            return false;
        }
        link.RevokedAt ??= clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        grants.Revoke(linkId);
        return true;
    }
}
