using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.Audit;
using WorldWeb.Server.Safety;
using WorldWeb.Server.Visitors;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Clips;

/// <summary>
/// Clips: ask for one (202, then poll its progress), list your own, watch and download any whose id you hold, delete
/// your own (which also stops its render). docs/protocol.md, "Clips".
/// </summary>
public static class ClipsApi
{
    public const int MaxList = 200;

    public static IEndpointRouteBuilder MapClipsApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder clips = app.MapGroup("/api/clips").RequireAuthorization(Policies.Visitor);
        clips.MapPost("/", Create);
        clips.MapGet("/", List);
        clips.MapGet("/{id}", Get);
        clips.MapGet("/{id}/video.mp4", Video);
        clips.MapGet("/{id}/events.jsonl", Events);
        clips.MapGet("/{id}/clip.gif", Animation);
        clips.MapDelete("/{id}", Delete);
        return app;
    }

    private static async Task<Results<Accepted<ClipInfo>, ProblemHttpResult>> Create(
        CreateClipRequest request, ClaimsPrincipal user, HttpContext http, [AsParameters] ClipsServices services, CancellationToken cancellationToken)
    {
        string address = ClientAddress.Of(http);
        (ClipRecord? clip, string title, ClipRefusal? refusal) = await services.Requests.AskAsync(request, user, address, cancellationToken);
        if (clip is null)
        {
            return Problem(refusal!, http);
        }
        await services.Audit.RecordAsync(user, AuditActions.ClipCreate, clip.WorldId, $"clip {clip.Id}: steps {clip.FromStep}–{clip.ToStep}", cancellationToken);
        return TypedResults.Accepted($"/api/clips/{clip.Id}", ToInfo(clip, title, user));
    }

    private static async Task<Results<Ok<ClipInfo[]>, ValidationProblem>> List(
        string? world, int? limit, ClaimsPrincipal user, ClipStore clips, CancellationToken cancellationToken)
    {
        if (world is not null && !WorldAccess.LooksLikeWorldId(world))
        {
            return ApiProblems.Invalid("world", "world must be a world id (16 lowercase hex digits).");
        }
        if (limit is < 1 or > MaxList)
        {
            return ApiProblems.Invalid("limit", $"limit must be from 1 to {MaxList}.");
        }
        var mine = await clips.ListAsync(user.UserId()!, world, limit ?? MaxList, cancellationToken);
        return TypedResults.Ok(mine.Select(c => ToInfo(c.Clip, c.Title, user)).ToArray());
    }

    private static async Task<Results<Ok<ClipInfo>, ProblemHttpResult>> Get(
        string id, ClaimsPrincipal user, ClipStore clips, IOptions<ClipOptions> options, CancellationToken cancellationToken) =>
        await FindAsync(clips, id, cancellationToken) is { } found
            ? TypedResults.Ok(ToInfo(found.Clip, found.Title, user))
            : NotFound(id, options.Value);

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Video(
        string id, ClipStore clips, IOptions<ClipOptions> options, CancellationToken cancellationToken)
    {
        if (await ReadyAsync(clips, id, options.Value, cancellationToken) is { } problem)
        {
            return problem;
        }
        byte[]? video = await clips.VideoAsync(id, cancellationToken);
        // Range requests let a browser seek in the video without fetching it all again.
        return video is null ? NotFound(id, options.Value) : TypedResults.File(video, "video/mp4", $"worldweb-clip-{id}.mp4", enableRangeProcessing: true);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Animation(
        string id, ClipStore clips, IOptions<ClipOptions> options, CancellationToken cancellationToken)
    {
        if (await ReadyAsync(clips, id, options.Value, cancellationToken) is { } problem)
        {
            return problem;
        }
        byte[]? gif = await clips.AnimationAsync(id, cancellationToken);
        return gif is not null ? TypedResults.File(gif, "image/gif", $"worldweb-clip-{id}.gif")
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No GIF",
                detail: $"Only clips of at most {options.Value.AnimationMaxSteps} steps get a GIF; this one has its video ({VideoPath(id)}).");
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Events(
        string id, ClipStore clips, IOptions<ClipOptions> options, CancellationToken cancellationToken)
    {
        if (await ReadyAsync(clips, id, options.Value, cancellationToken) is { } problem)
        {
            return problem;
        }
        byte[]? events = await clips.EventsAsync(id, cancellationToken);
        return events is null ? NotFound(id, options.Value) : TypedResults.File(events, ClipEvents.ContentType, $"worldweb-clip-{id}.jsonl");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string id, ClaimsPrincipal user, [AsParameters] ClipsServices services, CancellationToken cancellationToken)
    {
        if (await FindAsync(services.Clips, id, cancellationToken) is not { } found)
        {
            return NotFound(id, services.Options.Value);
        }
        if (found.Clip.OwnerId != user.UserId())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Only who made it may do this",
                detail: "Only the visitor who asked for this clip may delete it.");
        }
        services.Queue.Cancel(id);
        await services.Clips.DeleteAsync(id, cancellationToken);
        await services.Audit.RecordAsync(user, AuditActions.ClipDelete, found.Clip.WorldId, $"clip {id}", cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<(ClipRecord Clip, string Title)?> FindAsync(ClipStore clips, string id, CancellationToken cancellationToken) =>
        ClipIds.LooksLikeClipId(id) ? await clips.FindAsync(id, cancellationToken) : null;

    /// <summary>A problem when the clip has no files to give (yet); null when it is ready.</summary>
    private static async Task<ProblemHttpResult?> ReadyAsync(ClipStore clips, string id, ClipOptions options, CancellationToken cancellationToken) =>
        await FindAsync(clips, id, cancellationToken) switch
        {
            null => NotFound(id, options),
            { Clip.Status: ClipStatus.Ready } => null,
            { Clip: { Status: ClipStatus.Failed } clip } => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Clip failed",
                detail: $"This clip could not be rendered: {clip.Error}"),
            { Clip: var clip } => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not rendered yet",
                detail: $"This clip is not rendered yet ({clip.Percent}%); GET /api/clips/{id} tells when it is ready."),
        };

    private static ProblemHttpResult NotFound(string id, ClipOptions options) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Clip not found",
            detail: $"There is no clip '{id}': it was deleted, its world was, or it expired ({options.KeepDays:0.#} days after it was made).");

    private static ProblemHttpResult Problem(ClipRefusal refusal, HttpContext http)
    {
        if (refusal.RetryAfterSeconds is { } retry)
        {
            http.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
        }
        return TypedResults.Problem(statusCode: refusal.Status, title: refusal.Title, detail: refusal.Detail,
            extensions: refusal.Field is { } field ? new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [refusal.Detail] } } : null);
    }

    private static ClipInfo ToInfo(ClipRecord clip, string title, ClaimsPrincipal user)
    {
        bool ready = clip.Status == ClipStatus.Ready;
        return new ClipInfo(clip.Id, clip.WorldId, title, clip.FromStep, clip.ToStep, clip.Fps, clip.Status.ToString().ToLowerInvariant(), clip.Percent,
            clip.Error, clip.Bytes, clip.CreatedAt, clip.ExpiresAt, clip.OwnerId == user.UserId(), $"/clips/{clip.Id}",
            ready ? VideoPath(clip.Id) : null, ready ? $"/api/clips/{clip.Id}/events.jsonl" : null,
            ready && clip.HasAnimation ? $"/api/clips/{clip.Id}/clip.gif" : null);
    }

    private static string VideoPath(string clipId) => $"/api/clips/{clipId}/video.mp4";

    /// <summary>The services these endpoints take from the container, bound with [AsParameters].</summary>
    public readonly record struct ClipsServices(ClipRequests Requests, ClipStore Clips, ClipQueue Queue, AuditLog Audit, IOptions<ClipOptions> Options);
}
