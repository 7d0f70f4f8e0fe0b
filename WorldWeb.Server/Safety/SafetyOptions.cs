using System.ComponentModel.DataAnnotations;

namespace WorldWeb.Server.Safety;

/// <summary>Rate limits and quotas, bound from the <c>Safety</c> section.</summary>
public sealed class SafetyOptions
{
    public const string SectionName = "Safety";

    /// <summary>Actions one hub connection may send per second (a burst of as many is allowed). Faster than the tick they are coalesced anyway; beyond this the connection is refused and throttled.</summary>
    [Range(1, 10_000)]
    public int ActionsPerSecond { get; set; } = 60;

    /// <summary>How long a connection that went over <see cref="ActionsPerSecond"/> has every action refused.</summary>
    [Range(0, 3600)]
    public int ThrottleSeconds { get; set; } = 2;

    /// <summary>Worlds (created or forked) one identity may make per minute (a burst of as many).</summary>
    [Range(1, 100_000)]
    public int WorldsPerMinutePerIdentity { get; set; } = 10;

    /// <summary>Worlds all identities behind one IP address may make per minute.</summary>
    [Range(1, 100_000)]
    public int WorldsPerMinutePerIp { get; set; } = 30;

    /// <summary>Accounts one IP address may sign up per hour (a burst of as many): far stricter than the API limit.</summary>
    [Range(1, 100_000)]
    public int SignUpsPerHourPerIp { get; set; } = 5;

    /// <summary>Sign-in attempts per minute from one IP address (a burst of as many): password guessing stays slow.</summary>
    [Range(1, 100_000)]
    public int SignInsPerMinutePerIp { get; set; } = 10;

    /// <summary>REST requests per second from one IP address (a burst of twice as many).</summary>
    [Range(1, 1_000_000)]
    public int ApiRequestsPerSecondPerIp { get; set; } = 50;

    /// <summary>Frame streams one world serves at once (its owner is admitted beyond it).</summary>
    [Range(1, 100_000)]
    public int MaxViewersPerWorld { get; set; } = 32;

    /// <summary>Frame streams one hub connection may hold of one world: no connection takes all of a world's seats.</summary>
    [Range(1, 100)]
    public int MaxStreamsPerConnectionPerWorld { get; set; } = 2;

    /// <summary>Hub connections one IP address may hold at once.</summary>
    [Range(1, 100_000)]
    public int MaxConnectionsPerIp { get; set; } = 20;

    /// <summary>Distinct worlds the streams of one IP address may keep stepping at once.</summary>
    [Range(1, 100_000)]
    public int MaxWatchedWorldsPerIp { get; set; } = 6;

    /// <summary>
    /// Lobby streams (<c>GET /api/lobby/live/stream</c>) one IP address may hold open at once. A browser speaking HTTP/1.1
    /// opens at most 6 connections to a server and a lobby tab's stream holds one, so 4 leaves a visitor two for everything
    /// else however many lobby tabs it has (a hidden tab closes its stream). Beyond it the page polls.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxLobbyStreamsPerIp { get; set; } = 4;

    /// <summary>Lobby streams this server holds open at once, all addresses together (each holds a connection). Beyond it pages poll.</summary>
    [Range(1, 1_000_000)]
    public int MaxLobbyStreams { get; set; } = 1000;

    /// <summary>JoinWorld calls per minute from one IP address (a burst of as many).</summary>
    [Range(1, 100_000)]
    public int JoinsPerMinutePerIp { get; set; } = 60;

    /// <summary>How long a world of an anonymous owner stays live at a stretch before it is saved and stopped (joining again restarts it).</summary>
    [Range(10, 7 * 86_400)]
    public int MaxAnonymousSessionSeconds { get; set; } = 3600;

    /// <summary>
    /// Addresses of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed, so that per-IP limits key
    /// on the client behind them. Empty: loopback only (a proxy on the same machine).
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>
    /// Hub connection attempts (negotiate requests and WebSocket connects) per minute from one address (a burst of as
    /// many), refused with 429 before the handshake: a flood costs the server a rate limiter's check, not a socket
    /// held open or a hub call. 120: 60 connections a minute over WebSockets (two attempts each), as many as joins.
    /// </summary>
    [Range(1, 100_000)]
    public int ConnectsPerMinutePerIp { get; set; } = 120;

    /// <summary>
    /// Per-address limits count an IPv6 client by its network prefix of this many bits: one subscriber is usually
    /// handed a whole /64 and can take a new address in it for every request. 128: each address on its own.
    /// </summary>
    [Range(32, 128)]
    public int Ipv6PrefixLength { get; set; } = 64;

    /// <summary>Largest REST request body, in bytes (every WorldWeb request body is a few hundred).</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxApiBodyBytes { get; set; } = 16 * 1024;
}
