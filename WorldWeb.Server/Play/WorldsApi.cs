using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.Audit;
using WorldWeb.Server.Cluster;
using WorldWeb.Server.Line;
using WorldWeb.Server.LocalWorlds;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Safety;
using WorldWeb.Server.Visitors;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Play;

public static class WorldsApi
{
    public static IEndpointRouteBuilder MapWorldsApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup("/api/worlds").RequireAuthorization(Policies.Visitor);
        api.MapPost("/", CreateWorld).RequireRateLimiting(Safety.RateLimits.CreateWorld);
        api.MapGet("/", ListWorlds);
        api.MapGet("/{id}", GetWorld);
        api.MapGet("/{id}/frame", GetFrame);
        api.MapDelete("/{id}", DeleteWorld);
        return app;
    }


    private static async Task<Results<Created<CreatedWorld>, ValidationProblem, ProblemHttpResult>> CreateWorld(
        CreateWorldRequest request, ClaimsPrincipal user, [AsParameters] WorldsServices services, CancellationToken cancellationToken)
    {
        string title = string.IsNullOrWhiteSpace(request.Title) ? "Untitled world" : request.Title.Trim();
        if (WorldTitles.Problem(title) is { } badTitle)
        {
            return ApiProblems.Invalid("title", badTitle);
        }
        string modelName = string.IsNullOrWhiteSpace(request.Model) ? services.Catalog.DefaultName : request.Model;
        if (services.Catalog.Find(modelName) is null)
        {
            return ApiProblems.Invalid("model", $"There is no model '{modelName}'; GET /api/models lists them.");
        }
        if (request.PublicPlay && !request.IsPublic)
        {
            return ApiProblems.Invalid("publicPlay", WorldSettingsApi.PlayNeedsPublic);
        }
        if (request.Seed is < 0)
        {
            return ApiProblems.Invalid("seed", "A seed is a whole number from 0 to 9223372036854775807.");
        }
        if (await WorldAccess.QuotaProblemAsync(services.Store, user.UserId()!, services.Options.Value.MaxWorldsPerOwner, cancellationToken) is { } full)
        {
            return full;
        }
        long seed = request.Seed ?? RandomNumberGenerator.GetInt32(int.MaxValue);
        DateTimeOffset now = services.Clock.GetUtcNow();
        var world = new WorldRecord
        {
            Id = WorldIds.New(),
            Title = title,
            Model = modelName,
            Seed = seed,
            OwnerId = user.UserId()!,
            IsPublic = request.IsPublic,
            PublicPlay = request.PublicPlay,
            MemoryEnabled = request.Memory,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await services.Store.AddAsync(world, firstSave: null, cancellationToken);
        await services.Audit.RecordAsync(user, AuditActions.WorldCreate, world.Id, world.Title, cancellationToken);
        return TypedResults.Created($"/api/worlds/{world.Id}", new CreatedWorld(world.Id, WorldIds.PlayUrl(world.Id)));
    }

    /// <summary>
    /// The caller's worlds and the public ones, most recently updated first, a page at a time (<c>limit</c>, default and
    /// most 200); when there may be more, a <c>Link: &lt;…&amp;before=CURSOR&gt;; rel="next"</c> header points at the next page.
    /// </summary>
    private static async Task<Results<Ok<WorldSummary[]>, ValidationProblem>> ListWorlds(
        int? limit, string? before, HttpContext http, [AsParameters] WorldsServices services, CancellationToken cancellationToken)
    {
        (WorldsPage? page, string? field, string? error) = WorldsPage.Parse(limit, before);
        if (page is null)
        {
            return ApiProblems.Invalid(field!, error!);
        }
        string? userId = http.User.UserId();
        await using WorldWebDbContext db = await services.Contexts.CreateDbContextAsync(cancellationToken);
        IQueryable<WorldRecord> query = db.Worlds.AsNoTracking().Where(w => w.OwnerId == userId || w.IsPublic);
        if (page.BeforeUpdatedAt is { } at)
        {
            string id = page.BeforeId!;
            query = query.Where(w => w.UpdatedAt < at || (w.UpdatedAt == at && string.Compare(w.Id, id) < 0));
        }
        List<WorldRecord> worlds = await query.OrderByDescending(w => w.UpdatedAt).ThenByDescending(w => w.Id)
            .Take(page.Limit).ToListAsync(cancellationToken);
        if (worlds.Count == page.Limit)
        {
            string cursor = WorldsPage.CursorAfter(worlds[^1].UpdatedAt, worlds[^1].Id);
            http.Response.Headers.Link = $"</api/worlds?limit={page.Limit}&before={cursor}>; rel=\"next\"";
        }
        return TypedResults.Ok(worlds.Select(w =>
        {
            WorldSession? live = services.Directory.FindLive(w.Id);
            return new WorldSummary(w.Id, w.Title, w.Model, live?.Step ?? w.Step, WorldAccess.RoleOf(w, userId)!, w.IsPublic,
                live is not null, w.CreatedAt, w.UpdatedAt);
        }).ToArray());
    }

    private static async Task<Results<Ok<WorldDetails>, ProblemHttpResult>> GetWorld(
        string id, ClaimsPrincipal user, [AsParameters] WorldsServices services, CancellationToken cancellationToken)
    {
        WorldRecord? world = WorldAccess.LooksLikeWorldId(id) ? await services.Store.FindAsync(id, cancellationToken) : null;
        string? role = world is null ? null : WorldAccess.RoleOf(world, user);
        if (world is null || role is null)
        {
            return ApiProblems.WorldNotFound(id);
        }
        WorldSession? live = services.Directory.FindLive(id);
        // Fps and coherence are known where the world runs; another node's answer names that node, and its step and
        // viewers come from a glimpse of it (which never opens a world).
        string? node = services.Nodes.NodeOf(id);
        WorldGlimpse? elsewhere = live is null && node is not null ? await services.Worlds.GlimpseAsync(id) : null;
        return TypedResults.Ok(new WorldDetails(
            world.Id, world.Title, world.Model, world.Seed, live?.Step ?? elsewhere?.Step ?? world.Step, role, world.IsPublic, live is not null || node is not null,
            live?.Viewers ?? elsewhere?.Viewers ?? 0, services.Catalog.Find(world.Model)?.Manifest.Fps ?? 0, Math.Round(live?.ActualFps ?? 0, 2),
            world.ForkedFromSaveId?.ToString(), world.CreatedAt, world.UpdatedAt, world.MemoryEnabled, live?.Coherence().ToInfo(), node,
            world.PublicPlay));
    }

    /// <summary>
    /// The frame the world shows now. Opening a world that is not live resumes it, and it stays live until idle, so the
    /// open counts among the worlds the caller's address keeps live, as a stream would (<see cref="ClusterQuotas.TryOpenAsync"/>).
    /// </summary>
    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetFrame(
        string id, ClaimsPrincipal user, HttpContext http, [AsParameters] WorldsServices services, CancellationToken cancellationToken)
    {
        WorldRecord? world = WorldAccess.LooksLikeWorldId(id) ? await services.Store.FindAsync(id, cancellationToken) : null;
        if (world is null || WorldAccess.RoleOf(world, user) is null)
        {
            return ApiProblems.WorldNotFound(id);
        }
        // Opening a world takes a place: not one that those waiting in line for its model are owed.
        if (await services.Line.WaitingAheadAsync(world.Id, world.Model) is { } waitInLine)
        {
            http.Response.Headers.RetryAfter = "5";
            return ApiProblems.Unavailable(waitInLine);
        }
        string address = ClientAddress.Of(http);
        int idle = services.Options.Value.IdleUnloadSeconds;
        if (await services.Quotas.TryOpenAsync(address, id) is { } refusal)
        {
            http.Response.Headers.RetryAfter = idle.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many worlds", detail: refusal);
        }
        OpenedWorld? opened = null;
        try
        {
            opened = await services.Worlds.OpenAsync(id);
            if (opened is null || await services.Worlds.CurrentFrameAsync(opened) is not { } shown)
            {
                return ApiProblems.WorldNotFound(id);
            }
            http.Response.Headers["X-World-Step"] = shown.Step.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.File(shown.Data, shown.ContentType);
        }
        catch (WorldUnavailableException ex)
        {
            return ApiProblems.Unavailable(ex.Message);
        }
        finally
        {
            if (opened is null)
            {
                services.Quotas.OpenFailed(address, id);  // nothing opened: the address keeps nothing live
            }
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteWorld(
        string id, ClaimsPrincipal user, [AsParameters] WorldsServices services, CancellationToken cancellationToken)
    {
        (WorldRecord? world, ProblemHttpResult? problem) = await WorldAccess.OwnedAsync(services.Store, id, user, WorldControls.DeleteIt, cancellationToken);
        if (world is null)
        {
            return problem!;
        }
        try
        {
            await services.Endings.DeleteAsync(id, new WorldCaller(user.UserId()), "This world has been deleted by its owner.", cancellationToken);
        }
        catch (CallerRefusedException ex)
        {
            return ApiProblems.Refused(ex.Message);  // it changed hands since the check above
        }
        await services.Audit.RecordAsync(user, AuditActions.WorldDelete, id, world.Title, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>The services these endpoints take from the container, bound with [AsParameters].</summary>
    public readonly record struct WorldsServices(ModelCatalog Catalog, WorldStore Store, AuditLog Audit, TimeProvider Clock, IOptions<WorldSessionOptions> Options, IDbContextFactory<WorldWebDbContext> Contexts, WorldDirectory Directory, NodeReports Nodes, LiveWorlds Worlds, ClusterQuotas Quotas, WorldEndings Endings, JoinLine Line);
}
