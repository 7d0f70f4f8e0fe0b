namespace WorldWeb.Client.Contracts;

/// <summary>
/// <c>GET /api/lobby/live</c>: the public worlds live now, as one shared snapshot that the server builds at most every
/// half second (<c>At</c>) and every lobby visitor reads; most watched first.
/// </summary>
public sealed record LobbySnapshot(DateTimeOffset At, IReadOnlyList<LobbyWorld> Worlds);

/// <summary>
/// A live public world in the lobby: its step and viewers when the snapshot was made, and its frame then as a
/// <c>data:</c> URL (the frame the world streams, not encoded again). <c>Playable</c>: its owner lets anyone play it,
/// not only watch.
/// </summary>
public sealed record LobbyWorld(string Id, string Title, string Model, long Step, int Viewers, string Thumbnail, bool Playable = false);
