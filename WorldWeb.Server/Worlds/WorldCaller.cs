namespace WorldWeb.Server.Worlds;

/// <summary>
/// Who calls into a live world: the visitor's user id and the share link it joined through, if any. It carries no
/// rights: the node that runs the world decides them (<c>LocalWorlds.CallerRights</c>), so a node that missed a revocation,
/// or a call that claims more than its caller holds, lends no one a right.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WorldCaller([property: Id(0)] string? UserId, [property: Id(1)] Guid? LinkId = null);
