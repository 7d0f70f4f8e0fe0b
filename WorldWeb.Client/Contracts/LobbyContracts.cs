namespace WorldWeb.Client.Contracts;

/// <summary>
/// <c>GET /api/lobby/live</c>: the public worlds live now, as one shared snapshot that the server builds at most every
/// second (<c>At</c>) and every lobby visitor reads; most watched first.
/// </summary>
public sealed record LobbySnapshot(DateTimeOffset At, IReadOnlyList<LobbyWorld> Worlds);

/// <summary>
/// A live public world in the lobby: its step and viewers when the snapshot was made, and its frame then as a
/// <c>data:</c> URL (the frame the world streams, not encoded again). <c>Playable</c>: its owner lets anyone play it,
/// not only watch.
/// </summary>
public sealed record LobbyWorld(string Id, string Title, string Model, long Step, int Viewers, string Thumbnail, bool Playable = false);

/// <summary>
/// <c>GET /api/lobby/live/stream</c> (docs/protocol.md, "Lobby"): server-sent events, named once for the server and the
/// browser client. A <see cref="Snapshot"/> event carries a <see cref="LobbySnapshot"/> as its data and the snapshot's
/// entity tag as its id (the <c>ETag</c> of <c>/live</c>); a <see cref="KeepAlive"/> event carries nothing.
/// </summary>
public static class LobbyStreamEvents
{
    public const string Path = "api/lobby/live/stream";

    public const string Snapshot = "snapshot";

    public const string KeepAlive = "keep-alive";

    /// <summary>
    /// The longest the stream stays silent: an unchanged lobby sends a keep-alive this often, so that a proxy does not
    /// cut an idle connection and a client can tell a live stream from one a proxy holds back.
    /// </summary>
    public static readonly TimeSpan KeepAliveEvery = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a client refused a stream (429: too many open) reads the snapshot by polling before it asks for a stream
    /// again; the refusal's <c>Retry-After</c>.
    /// </summary>
    public static readonly TimeSpan RetryRefusedAfter = TimeSpan.FromSeconds(30);
}
