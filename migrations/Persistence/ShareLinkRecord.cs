namespace WorldWeb.Persistence;

/// <summary>A share link; only the SHA-256 of its token is stored.</summary>
public sealed class ShareLinkRecord
{
    public Guid Id { get; init; }
    public required string WorldId { get; init; }
    public required byte[] TokenHash { get; init; }
    public required string Role { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset? RevokedAt { get; set; }
}
