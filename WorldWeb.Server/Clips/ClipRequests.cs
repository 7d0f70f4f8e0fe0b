using System.Security.Claims;
using Microsoft.Extensions.Options;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Sharing;
using WorldWeb.Server.Visitors;

namespace WorldWeb.Server.Clips;

/// <summary>
/// Asking for a clip: checks the request, the caller's rights and the limits, then queues it for a renderer. Every
/// refusal says what was wrong and what to do; what can only be found out while rendering fails the clip instead.
/// </summary>
public sealed class ClipRequests(ClipRights rights, WorldHistory history, ModelCatalog catalog, ClipEncoder encoder, ClipStore clips, ClipQueue queue,
    IOptions<ClipOptions> options, TimeProvider clock)
{
    /// <summary>The queued clip and its world's title, or why not.</summary>
    public async Task<(ClipRecord? Clip, string Title, ClipRefusal? Refusal)> AskAsync(CreateClipRequest request, ClaimsPrincipal user, string address,
        CancellationToken cancellationToken)
    {
        ClipOptions limits = options.Value;
        if (Invalid(request, limits) is { } invalid)
        {
            return (null, "", invalid);
        }
        long from = request.FromStep!.Value, to = request.ToStep!.Value;
        if (encoder.Missing() is { } missing)
        {
            return (null, "", new ClipRefusal(StatusCodes.Status503ServiceUnavailable, "No video encoder", missing));
        }
        (ResolvedWorld? resolved, ClipRefusal? denied) = await rights.CheckAsync(request.World, from, user, cancellationToken);
        if (resolved is null)
        {
            return (null, "", denied);
        }
        WorldRecord world = resolved.World;
        if (catalog.Find(world.Model) is not { } model)
        {
            return (null, "", new ClipRefusal(StatusCodes.Status503ServiceUnavailable, "World unavailable", $"The model '{world.Model}' of this world is not loaded on this server."));
        }
        if (await Unrenderable(world, from, to, model.Manifest.Fps, cancellationToken) is { } unrenderable)
        {
            return (null, "", unrenderable);
        }
        DateTimeOffset now = clock.GetUtcNow();
        var clip = new ClipRecord
        {
            Id = ClipIds.New(), WorldId = world.Id, OwnerId = user.UserId()!, Address = address, FromStep = from, ToStep = to,
            Fps = model.Manifest.Fps, Status = ClipStatus.Queued, CreatedAt = now, UpdatedAt = now, ExpiresAt = now.AddDays(limits.KeepDays),
        };
        if (await clips.AddAsync(clip, cancellationToken) is { } limit)
        {
            return (null, "", Refusal(limit, limits));
        }
        if (!queue.TryEnqueue(clip.Id))
        {
            await clips.DeleteAsync(clip.Id, CancellationToken.None);
            return (null, "", new ClipRefusal(StatusCodes.Status503ServiceUnavailable, "Too many clips",
                $"This server already has {limits.QueueLength} clips waiting to be rendered, its limit; try again in a minute.", RetryAfterSeconds: 60));
        }
        return (clip, world.Title, null);
    }

    private static ClipRefusal? Invalid(CreateClipRequest request, ClipOptions limits) => request switch
    {
        { World: null or "" } => Field("world", "world must be the id of a world or a share-link token, as JoinWorld takes."),
        { FromStep: null or < 0 } => Field("fromStep", "fromStep must be a step of the world: a whole number from 0."),
        { ToStep: null } => Field("toStep", "toStep must be a step of the world: a whole number from fromStep on."),
        { ToStep: { } t, FromStep: { } f } when t < f => Field("toStep", $"toStep ({t}) comes before fromStep ({f})."),
        { ToStep: { } t, FromStep: { } f } when t - f + 1 > limits.MaxSteps =>
            Field("toStep", $"A clip is at most {limits.MaxSteps} steps; {f}–{t} is {t - f + 1}."),
        _ => null,
    };

    /// <summary>Steps the world cannot render now: not played yet, before it began, too far from a save, or lost from its log.</summary>
    private async Task<ClipRefusal?> Unrenderable(WorldRecord world, long from, long to, double fps, CancellationToken cancellationToken)
    {
        // A live world's log trails what its players see by its write interval; a render waits that long for it.
        long playable = world.Step + (long)(options.Value.LogWaitSeconds * fps);
        if (to > playable)
        {
            return Field("toStep", $"This world is at step {world.Step}: a clip ends at a step it has played.");
        }
        if (await history.StartAtOrBeforeAsync(world, from, cancellationToken) is not { } start)
        {
            return Field("fromStep", $"This world began at step {await history.FirstStepAsync(world, cancellationToken)} (it is a fork): a clip starts there or later.");
        }
        int maxReplay = options.Value.MaxReplaySteps;
        if (from - start.Step > maxReplay)
        {
            return new ClipRefusal(StatusCodes.Status409Conflict, "Too far from a save",
                $"Step {from} is {from - start.Step} steps after the nearest save before it (step {start.Step}); a clip may start at most {maxReplay} steps after a save.");
        }
        long logged = Math.Min(to, world.Step);
        byte[] actions = await history.ActionsAsync(world.Id, start.Step, logged, cancellationToken);
        return start.Step + actions.Length < logged
            ? new ClipRefusal(StatusCodes.Status409Conflict, "Steps no longer kept",
                $"Step {start.Step + actions.Length + 1} is missing from this world's log (lost in a crash, or deleted as old once a later save covered it), so steps {from}–{to} can no longer be rendered exactly.")
            : null;
    }

    private static ClipRefusal Refusal(ClipLimit limit, ClipOptions limits) => limit switch
    {
        ClipLimit.RendersPerVisitor => new ClipRefusal(StatusCodes.Status429TooManyRequests, "Too many clips rendering",
            $"You already have {Clips(limits.MaxRendersPerVisitor)} waiting or rendering, the most one visitor may; ask again when one is ready.", RetryAfterSeconds: 30),
        ClipLimit.RendersPerAddress => new ClipRefusal(StatusCodes.Status429TooManyRequests, "Too many clips rendering",
            $"Your address already has {Clips(limits.MaxRendersPerAddress)} waiting or rendering, the most one address may; ask again when one is ready.", RetryAfterSeconds: 30),
        ClipLimit.ClipsPerVisitor => new ClipRefusal(StatusCodes.Status409Conflict, "Limit reached",
            $"You keep {Clips(limits.MaxClipsPerVisitor)}, the most one visitor may; delete one, or wait for one to expire ({limits.KeepDays:0.#} days after it was made)."),
        ClipLimit.StoragePerVisitor => new ClipRefusal(StatusCodes.Status409Conflict, "Limit reached",
            $"Your clips take {Size(limits.MaxBytesPerVisitor)} or more, the most one visitor may keep; delete one, or wait for one to expire ({limits.KeepDays:0.#} days after it was made)."),
        _ => new ClipRefusal(StatusCodes.Status409Conflict, "Limit reached",
            $"The clips of your address take {Size(limits.MaxBytesPerAddress)} or more, the most one address may keep; delete one, or wait for one to expire ({limits.KeepDays:0.#} days after it was made)."),
    };

    private static ClipRefusal Field(string field, string message) => new(StatusCodes.Status400BadRequest, "Invalid request", message, field);

    private static string Clips(int n) => n == 1 ? "1 clip" : $"{n} clips";

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes / (1024.0 * 1024):0.#} MB",
    };
}
