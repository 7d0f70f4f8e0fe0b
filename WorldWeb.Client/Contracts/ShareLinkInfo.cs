namespace WorldWeb.Client.Contracts;

/// <summary>Body of <c>POST /api/worlds/{id}/links</c>: <c>Role</c> is "viewer" or "player".</summary>
public sealed record CreateShareLinkRequest(string? Role, double? ExpiresInHours);

/// <summary>
/// A share link. <c>Token</c> is only returned when the link is created (the server keeps a hash); its
/// <c>Url</c> is <c>/w/{token}</c>.
/// </summary>
public sealed record ShareLinkInfo(string Id, string Token, string Url, string Role, DateTimeOffset? ExpiresAt);

/// <summary>A row of <c>GET /api/worlds/{id}/links</c>; the token itself is never shown again.</summary>
public sealed record ShareLinkSummary(string Id, string Role, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, bool Revoked);
