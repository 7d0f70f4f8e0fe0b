using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.Safety;
using WorldWeb.Server.Visitors;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Lobby;

/// <summary>
/// The lobby's reads: the live worlds (a snapshot, or a stream of snapshots) and an owner's last frames. None opens a
/// world or counts against an address's watched worlds, unlike <c>GET /api/worlds/{id}/frame</c>: they show only what
/// is already live, and an owner's stored last frame.
/// </summary>
public static class LobbyApi
{
    public static IEndpointRouteBuilder MapLobbyApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup("/api/lobby").RequireAuthorization(Policies.Visitor);
        api.MapGet("/live", GetLive);
        // Open streams are bounded per address and per node (Safety: MaxLobbyStreamsPerIp, MaxLobbyStreams).
        api.MapGet("/live/stream", GetLiveStream).RequireRateLimiting(RateLimits.FollowLobby);
        api.MapGet("/worlds/{id}/thumbnail", GetThumbnail);
        return app;
    }

    /// <summary>The shared snapshot of the public live worlds (<see cref="LobbySnapshot"/>); 304 when the caller's copy is current.</summary>
    private static async Task<IResult> GetLive(HttpContext http, LiveLobby lobby, CancellationToken cancellationToken)
    {
        LobbyView view = await lobby.CurrentAsync(cancellationToken);
        // no-cache: the browser keeps the snapshot and asks again with its tag; a page refused a stream polls only while visible.
        http.Response.Headers.CacheControl = "private, no-cache";
        http.Response.Headers.ETag = view.ETag;
        return http.Request.Headers.IfNoneMatch == view.ETag
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Bytes(view.Json, "application/json");
    }

    /// <summary>
    /// The shared snapshot as server-sent events (<see cref="LobbyStreamEvents"/>), how the lobby page reads it: one
    /// request per visit instead of one a second.
    /// </summary>
    private static ServerSentEventsResult<string> GetLiveStream(LobbyStream stream, CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(stream.EventsAsync(cancellationToken));

    /// <summary>The last frame of one of the caller's worlds (live: now; asleep: its latest save's), never resuming it.</summary>
    private static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> GetThumbnail(
        string id, ClaimsPrincipal user, HttpContext http, [AsParameters] ThumbnailServices services, CancellationToken cancellationToken)
    {
        (WorldRecord? world, ProblemHttpResult? problem) = await WorldAccess.OwnedAsync(services.Store, id, user, "see its last frame here", cancellationToken);
        if (world is null)
        {
            return problem!;
        }
        string? known = http.Request.Headers.IfNoneMatch.Count == 1 ? http.Request.Headers.IfNoneMatch[0] : null;
        LastFrame frame;
        try
        {
            frame = await services.Frames.OfAsync(world, known, cancellationToken);
        }
        catch (WorldUnavailableException ex)
        {
            return ApiProblems.Unavailable(ex.Message);
        }
        http.Response.Headers.CacheControl = "private, no-cache";
        http.Response.Headers.ETag = frame.ETag;
        return frame.ETag == known
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.File(frame.Data, frame.ContentType);
    }

    /// <summary>The services these endpoints take from the container, bound with [AsParameters].</summary>
    public readonly record struct ThumbnailServices(WorldStore Store, LastFrames Frames);
}
