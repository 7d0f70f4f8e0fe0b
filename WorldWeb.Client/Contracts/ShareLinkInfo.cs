namespace WorldWeb.Client.Contracts;

/// <summary>Body of <c>POST /api/worlds/{id}/links</c>: <c>Role</c> is "viewer" or "player".</summary>
public sealed record CreateShareLinkRequest(string? Role, double? ExpiresInHours);

/// <summary>
/// A share link. <c>Token</c> is only returned when the link is created (the server keeps a hash); its
/// <c>Url</c> is <c>/w/{token}</c>.
/// </summary>
public sealed record ShareLinkInfo(string Id, string Token, string Url, string Role, DateTimeOffset? ExpiresAt);
