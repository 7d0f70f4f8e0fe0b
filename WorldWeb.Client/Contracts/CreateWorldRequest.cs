namespace WorldWeb.Client.Contracts;

/// <summary>
/// Body of <c>POST /api/worlds</c>; a missing model means the server's default, a missing seed a random one.
/// <c>Memory</c> false turns the world's memory off for good (to compare with and without).
/// </summary>
public sealed record CreateWorldRequest(string? Title, string? Model, long? Seed, bool IsPublic = false, bool Memory = true, bool PublicPlay = false);

/// <summary>Answer of <c>POST /api/worlds</c> and of a fork.</summary>
public sealed record CreatedWorld(string Id, string Url);
