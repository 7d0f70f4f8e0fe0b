using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.Audit;
using WorldWeb.Server.Visitors;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Play;

/// <summary>
/// <c>PATCH /api/worlds/{id}</c>: its owner renames a world and decides who may see and play it. What a change takes away
/// is taken where it is in use within about a second, on every node: a caller's actions are decided from the database
/// where the world runs (<c>CallerRights</c>), and the streams of those who watched only because the world was public
/// end when it is made private (<see cref="PublicWatches"/>).
/// </summary>
public static class WorldSettingsApi
{
    public const string PlayNeedsPublic = "Only a public world can let visitors play it: make it public too.";

    public static IEndpointRouteBuilder MapWorldSettingsApi(this IEndpointRouteBuilder app)
    {
        app.MapPatch("/api/worlds/{id}", Update).RequireAuthorization(Policies.Visitor);
        return app;
    }

    private static async Task<Results<Ok<WorldSettings>, ValidationProblem, ProblemHttpResult>> Update(
        string id, UpdateWorldRequest request, ClaimsPrincipal user, WorldStore store, AuditLog audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        (WorldRecord? world, ProblemHttpResult? problem) = await WorldAccess.OwnedAsync(store, id, user, "change its settings", cancellationToken);
        if (world is null)
        {
            return problem!;
        }
        string title = request.Title?.Trim() ?? world.Title;
        if ((title.Length == 0 ? "A title may not be empty." : WorldTitles.Problem(title)) is { } badTitle)
        {
            return ApiProblems.Invalid("title", badTitle);
        }
        bool isPublic = request.IsPublic ?? world.IsPublic;
        // A world made private is no longer open to play either; asking for both at once is a contradiction.
        bool publicPlay = isPublic && (request.PublicPlay ?? world.PublicPlay);
        if (request.PublicPlay == true && !isPublic)
        {
            return ApiProblems.Invalid("publicPlay", PlayNeedsPublic);
        }
        if (!await store.SetSettingsAsync(id, title, isPublic, publicPlay, clock.GetUtcNow(), cancellationToken))
        {
            return ApiProblems.WorldNotFound(id);  // deleted since the check above
        }
        string who = !isPublic ? "private" : publicPlay ? "public, visitors play" : "public, visitors watch";
        await audit.RecordAsync(user, AuditActions.WorldSettings, id, $"{title} ({who})", cancellationToken);
        return TypedResults.Ok(new WorldSettings(title, isPublic, publicPlay));
    }
}
