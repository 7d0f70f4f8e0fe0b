namespace WorldWeb.Client.Contracts;

/// <summary>Body of <c>POST /api/account/signup</c> and <c>POST /api/account/signin</c>.</summary>
public sealed record Credentials(string? Email, string? Password);

/// <summary>
/// <c>GET /api/account</c>: who the caller is. <c>Email</c> is null for an anonymous visitor; <c>Roles</c> holds
/// account roles (<c>admin</c>), never world roles.
/// </summary>
public sealed record AccountInfo(string Id, string? Email, bool IsSignedIn, IReadOnlyList<string> Roles, int ClaimedWorlds = 0);
