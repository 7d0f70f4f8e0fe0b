using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.Audit;
using WorldWeb.Server.Cluster;
using WorldWeb.Server.LocalWorlds;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Visitors;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Play;

/// <summary>Per-world action masks: the owner disables actions for players (the owner keeps them all).</summary>
public static class ActionMasksApi
{
    public static IEndpointRouteBuilder MapActionMasksApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder actions = app.MapGroup("/api/worlds/{id}/actions").RequireAuthorization(Policies.Visitor);
        actions.MapGet("/", GetMask);
        actions.MapPut("/", SetMask);
        return app;
    }

    private static async Task<Results<Ok<ActionMask>, ProblemHttpResult>> GetMask(
        string id, ClaimsPrincipal user, WorldStore store, CancellationToken cancellationToken)
    {
        (WorldRecord? world, ProblemHttpResult? problem) = await WorldAccess.OwnedAsync(store, id, user, "see its action mask", cancellationToken);
        return world is null ? problem! : TypedResults.Ok(new ActionMask(world.DisabledActions));
    }

    private static async Task<Results<Ok<ActionMask>, ValidationProblem, ProblemHttpResult>> SetMask(
        string id, ActionMask request, ClaimsPrincipal user, [AsParameters] MaskServices services, CancellationToken cancellationToken)
    {
        (WorldRecord? world, ProblemHttpResult? problem) = await WorldAccess.OwnedAsync(services.Store, id, user, WorldControls.ChangeItsMask, cancellationToken);
        if (world is null)
        {
            return problem!;
        }
        int count = services.Catalog.Find(world.Model)?.Actions.Count ?? 0;
        IReadOnlyList<int> disabled = request.Disabled ?? [];
        if (disabled.Count > ModelCatalog.MaxActions || disabled.Any(a => a < 1 || a >= count))
        {
            return ApiProblems.Invalid("disabled", $"disabled lists action indexes from 1 to {count - 1}; 0 (noop) always stays allowed.");
        }
        int[] mask = [.. disabled.Distinct().Order()];
        await services.Store.SetDisabledActionsAsync(id, mask, cancellationToken);
        try
        {
            await services.Worlds.SetActionMaskAsync(id, new WorldCaller(user.UserId()), mask);
        }
        catch (CallerRefusedException ex)
        {
            return ApiProblems.Refused(ex.Message);  // it changed hands since the check above
        }
        await services.Audit.RecordAsync(user, AuditActions.ActionMask, id, mask.Length == 0 ? "all actions allowed" : $"disabled {string.Join(",", mask)}", cancellationToken);
        return TypedResults.Ok(new ActionMask(mask));
    }

    /// <summary>The services these endpoints take from the container, bound with [AsParameters].</summary>
    public readonly record struct MaskServices(WorldStore Store, ModelCatalog Catalog, AuditLog Audit, LiveWorlds Worlds);
}
