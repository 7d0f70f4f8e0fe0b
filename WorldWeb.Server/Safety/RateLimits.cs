using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.Visitors;
using WorldWeb.Server.Operations;

namespace WorldWeb.Server.Safety;

/// <summary>
/// REST rate limits: every /api request counts against its IP address; making a world (create or fork) also
/// against the identity (the <see cref="CreateWorld"/> policy) and the IP address; signing up and signing in have
/// their own, stricter limits per IP address (<see cref="SignUp"/>, <see cref="SignIn"/>). Lobby streams are bounded by how
/// many are open at once, per IP address and on this server (<see cref="FollowLobby"/>): a concurrency limiter's lease is
/// held for the whole request, so a stream holds its place until it ends. A refusal is 429 with Retry-After and a
/// ProblemDetails body that says which limit was hit.
/// </summary>
public static class RateLimits
{
    public const string CreateWorld = "create-world";
    public const string SignUp = "sign-up";
    public const string SignIn = "sign-in";
    public const string FollowLobby = "follow-lobby";

    public static void Configure(RateLimiterOptions limiter, IServiceProvider services)
    {
        SafetyOptions safety = services.GetRequiredService<IOptions<SafetyOptions>>().Value;
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HttpContext, string>(http => IsApi(http)
                ? RateLimitPartition.GetTokenBucketLimiter("api:" + IpOf(http), _ => Bucket(2 * safety.ApiRequestsPerSecondPerIp, safety.ApiRequestsPerSecondPerIp, TimeSpan.FromSeconds(1)))
                : RateLimitPartition.GetNoLimiter("")),
            PartitionedRateLimiter.Create<HttpContext, string>(http => PolicyOf(http) == CreateWorld
                ? RateLimitPartition.GetTokenBucketLimiter("worlds-ip:" + IpOf(http), _ => Bucket(safety.WorldsPerMinutePerIp, safety.WorldsPerMinutePerIp, TimeSpan.FromMinutes(1)))
                : RateLimitPartition.GetNoLimiter("")),
            PartitionedRateLimiter.Create<HttpContext, string>(http => IsHubConnect(http)
                ? RateLimitPartition.GetTokenBucketLimiter("connect:" + IpOf(http), _ => Bucket(safety.ConnectsPerMinutePerIp, safety.ConnectsPerMinutePerIp, TimeSpan.FromMinutes(1)))
                : RateLimitPartition.GetNoLimiter("")),
            PartitionedRateLimiter.Create<HttpContext, string>(http => PolicyOf(http) == FollowLobby
                ? RateLimitPartition.GetConcurrencyLimiter("lobby-streams", _ => Open(safety.MaxLobbyStreams))
                : RateLimitPartition.GetNoLimiter("")));
        limiter.AddPolicy(CreateWorld, http => RateLimitPartition.GetTokenBucketLimiter(
            "worlds-id:" + (http.User.UserId() ?? IpOf(http)),
            _ => Bucket(safety.WorldsPerMinutePerIdentity, safety.WorldsPerMinutePerIdentity, TimeSpan.FromMinutes(1))));
        limiter.AddPolicy(SignUp, http => RateLimitPartition.GetTokenBucketLimiter(
            "sign-up:" + IpOf(http), _ => Bucket(safety.SignUpsPerHourPerIp, safety.SignUpsPerHourPerIp, TimeSpan.FromHours(1))));
        limiter.AddPolicy(SignIn, http => RateLimitPartition.GetTokenBucketLimiter(
            "sign-in:" + IpOf(http), _ => Bucket(safety.SignInsPerMinutePerIp, safety.SignInsPerMinutePerIp, TimeSpan.FromMinutes(1))));
        limiter.AddPolicy(FollowLobby, http => RateLimitPartition.GetConcurrencyLimiter(
            "lobby-stream:" + IpOf(http), _ => Open(safety.MaxLobbyStreamsPerIp)));
        limiter.OnRejected = async (context, cancellationToken) =>
        {
            HttpContext http = context.HttpContext;
            string? policy = PolicyOf(http);
            bool connect = policy is null && IsHubConnect(http);
            http.RequestServices.GetRequiredService<ServerMetrics>().Error(policy switch
            {
                CreateWorld => "world_rate",
                SignUp or SignIn => "account_rate",
                FollowLobby => "lobby_streams",
                _ when connect => "connect_rate",
                _ => "api_rate",
            });
            // A place among open streams frees when a stream ends, which no limiter can foresee: the page's own wait, then.
            int retry = policy == FollowLobby ? (int)LobbyStreamEvents.RetryRefusedAfter.TotalSeconds
                : context.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
            http.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
            string detail = policy switch
            {
                CreateWorld => $"You are making worlds too fast: at most {safety.WorldsPerMinutePerIdentity} per minute per visitor and {safety.WorldsPerMinutePerIp} per minute per IP address. Try again in {retry} s.",
                SignUp => $"Too many sign-ups from your address: at most {safety.SignUpsPerHourPerIp} accounts per hour per IP address. Try again in {retry} s.",
                SignIn => $"Too many sign-in attempts from your address: at most {safety.SignInsPerMinutePerIp} per minute per IP address. Try again in {retry} s.",
                // One concurrency limiter or the other refused; a refused lease does not say which.
                FollowLobby => $"Too many lobby streams open: at most {safety.MaxLobbyStreamsPerIp} at once per IP address and {safety.MaxLobbyStreams} on this server. " +
                    $"Close a lobby tab you do not need, or read GET /api/lobby/live once a second meanwhile (the lobby page does); try again in {retry} s.",
                _ when connect => $"Too many connection attempts from your address: at most {safety.ConnectsPerMinutePerIp} per minute per IP address. Try again in {retry} s.",
                _ => $"Too many requests: at most {safety.ApiRequestsPerSecondPerIp} per second per IP address. Try again in {retry} s.",
            };
            if (connect)
            {
                // One line per refusal, no stack trace: a flood must not flood the log too.
                LogConnectRefused(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RateLimits)), IpOf(http), safety.ConnectsPerMinutePerIp, null);
            }
            await TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests", detail: detail).ExecuteAsync(http);
        };
    }

    private static string? PolicyOf(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;

    private static bool IsApi(HttpContext http) => http.Request.Path.StartsWithSegments("/api");

    /// <summary>A hub connection being made: its negotiate request, or its WebSocket (long polls and sends of a connection already made are not).</summary>
    private static bool IsHubConnect(HttpContext http) => http.Request.Path.StartsWithSegments(WorldHubProtocol.Path, out PathString rest)
        && (rest.Equals("/negotiate", StringComparison.Ordinal) || string.Equals(http.Request.Headers.Upgrade, "websocket", StringComparison.OrdinalIgnoreCase));

    private static readonly Action<ILogger, string, int, Exception?> LogConnectRefused = LoggerMessage.Define<string, int>(
        LogLevel.Warning, new EventId(1, "ConnectRefused"), "Hub connection from {Address} refused before its handshake: over {PerMinute} connection attempts per minute");

    private static string IpOf(HttpContext http) => ClientAddress.Of(http);

    /// <summary>At most <paramref name="open"/> requests at once, none waiting: one more is refused at once.</summary>
    private static ConcurrencyLimiterOptions Open(int open) => new() { PermitLimit = open, QueueLimit = 0 };

    private static TokenBucketRateLimiterOptions Bucket(int size, int perPeriod, TimeSpan period) => new()
    {
        TokenLimit = size,
        TokensPerPeriod = perPeriod,
        ReplenishmentPeriod = period,
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
