using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.Audit;
using WorldWeb.Server.LocalWorlds;
using WorldWeb.Server.MemoryStorage;
using WorldWeb.Server.Safety;
using WorldWeb.Server.Visitors;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Saves;

/// <summary>Saves of a world and forks from them; owners only.</summary>
public static class SavesApi
{
    public const int MaxNameLength = 100;

    public static IEndpointRouteBuilder MapSavesApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder world = app.MapGroup("/api/worlds/{id}").RequireAuthorization(Policies.Visitor);
        world.MapPost("/saves", CreateSave);
        world.MapGet("/saves", ListSaves);
        world.MapDelete("/saves/{saveId}", DeleteSave);
        world.MapPost("/fork", Fork).RequireRateLimiting(Safety.RateLimits.CreateWorld);
        return app;
    }

    private static async Task<Results<Created<SaveInfo>, ValidationProblem, ProblemHttpResult>> CreateSave(
        string id, CreateSaveRequest request, ClaimsPrincipal user, [AsParameters] SavesServices services, CancellationToken cancellationToken)
    {
        string name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > MaxNameLength)
        {
            return ApiProblems.Invalid("name", $"A save needs a name of 1 to {MaxNameLength} characters.");
        }
        if (UserText.HasControlCharacters(name))
        {
            return ApiProblems.Invalid("name", "A save's name may not hold control characters (such as NUL or a line break).");
        }
        (WorldRecord? world, ProblemHttpResult? problem) = await WorldAccess.OwnedAsync(services.Store, id, user, WorldControls.SaveIt, cancellationToken);
        if (world is null)
        {
            return problem!;
        }
        int max = services.Options.Value.MaxSavesPerWorld;
        if (await services.Store.CountSavesAsync(id, SaveKind.User, cancellationToken) >= max)
        {
            return ApiProblems.TooMany($"This world keeps {max} saves, the most one world may; delete one to save again.");
        }
        (SaveRecord? save, ProblemHttpResult? unavailable) = await SaveAnswers.SaveNowAsync(services.Saves, id, new WorldCaller(user.UserId()), name, SaveKind.User, cancellationToken);
        if (save is null)
        {
            return unavailable!;
        }
        await services.Audit.RecordAsync(user, AuditActions.SaveCreate, id, $"{name} at step {save.Step}", cancellationToken);
        return TypedResults.Created($"/api/worlds/{id}/saves/{save.Id}", SaveAnswers.ToInfo(save));
    }

    /// <summary>Deletes a named save (the autosave a world resumes from is not one); the memory only it held goes too.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteSave(
        string id, string saveId, ClaimsPrincipal user, [AsParameters] SavesServices services, CancellationToken cancellationToken)
    {
        (WorldRecord? world, ProblemHttpResult? problem) = await WorldAccess.OwnedAsync(services.Store, id, user, "delete its saves", cancellationToken);
        if (world is null)
        {
            return problem!;
        }
        if (!Guid.TryParse(saveId, out Guid save) || await services.Store.DeleteSaveAsync(id, save, SaveKind.User, cancellationToken) is not { } deleted)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such save",
                detail: $"World '{id}' has no save '{saveId}' that can be deleted; GET /api/worlds/{id}/saves lists them.");
        }
        await services.Memory.CollectAsync(id, cancellationToken);
        await services.Audit.RecordAsync(user, AuditActions.SaveDelete, id, $"{deleted.Name} at step {deleted.Step}", cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<SaveInfo[]>, ProblemHttpResult>> ListSaves(
        string id, ClaimsPrincipal user, WorldStore store, IDbContextFactory<WorldWebDbContext> contexts, CancellationToken cancellationToken)
    {
        (WorldRecord? world, ProblemHttpResult? problem) = await WorldAccess.OwnedAsync(store, id, user, "list its saves", cancellationToken);
        if (world is null)
        {
            return problem!;
        }
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        var saves = await db.Saves.AsNoTracking().Where(s => s.WorldId == id && s.Kind != SaveKind.Auto)
            .OrderBy(s => s.CreatedAt)
            .Select(s => new { s.Id, s.Name, s.Step, Bytes = s.State.Length, s.CreatedAt })
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(saves.Select(s => new SaveInfo(s.Id.ToString(), s.Name, s.Step, s.Bytes, s.CreatedAt)).ToArray());
    }

    private static async Task<Results<Created<CreatedWorld>, ValidationProblem, ProblemHttpResult>> Fork(
        string id, ForkRequest request, ClaimsPrincipal user, [AsParameters] SavesServices services, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(request.SaveId, out Guid saveId))
        {
            return ApiProblems.Invalid("saveId", "saveId must be the id of one of this world's saves.");
        }
        (WorldRecord? world, ProblemHttpResult? problem) = await WorldAccess.OwnedAsync(services.Store, id, user, "fork it", cancellationToken);
        if (world is null)
        {
            return problem!;
        }
        if (await WorldAccess.QuotaProblemAsync(services.Store, world.OwnerId, services.Options.Value.MaxWorldsPerOwner, cancellationToken) is { } full)
        {
            return full;
        }
        if (await services.Saves.ForkAsync(world, saveId, cancellationToken) is not { } fork)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Save not found",
                detail: $"World '{id}' has no save '{request.SaveId}'.");
        }
        await services.Audit.RecordAsync(user, AuditActions.Fork, fork.Id, $"from world {id} save {saveId}", cancellationToken);
        return TypedResults.Created($"/api/worlds/{fork.Id}", new CreatedWorld(fork.Id, WorldIds.PlayUrl(fork.Id)));
    }

    /// <summary>The services these endpoints take from the container, bound with [AsParameters].</summary>
    public readonly record struct SavesServices(WorldStore Store, WorldSaves Saves, MemoryStore Memory, AuditLog Audit, IOptions<WorldSessionOptions> Options);
}
