namespace WorldWeb.Client.Contracts;

/// <summary>
/// <c>PATCH /api/worlds/{id}</c> (its owner only): what to change, a field left null stays as it is. <c>PublicPlay</c>
/// lets anyone play the world, not only watch it, and needs the world public; making a world private ends it.
/// </summary>
public sealed record UpdateWorldRequest(string? Title = null, bool? IsPublic = null, bool? PublicPlay = null);

/// <summary>A world's settings as they stand after a change.</summary>
public sealed record WorldSettings(string Title, bool IsPublic, bool PublicPlay);
