using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WorldWeb.Client.Contracts;
using WorldWeb.Inference.Runtime;
using WorldWeb.Persistence;
using WorldWeb.Server.Audit;
using WorldWeb.Server.Cluster;
using WorldWeb.Server.LocalWorlds;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Play;
using WorldWeb.Server.Saves;
using WorldWeb.Server.Sharing;
using WorldWeb.Server.Stepping;
using WorldWeb.Server.Visitors;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Admin;

/// <summary>The admin area's API: live sessions, worlds (save, stop, delete, links), models (load, unload), audit log, system. Admin role only.</summary>
public static class AdminApi
{
    public const int MaxSearchResults = 100;
    public const string StoppedReason = "This world was stopped by an administrator.";
    public const string DeletedReason = "This world has been deleted by an administrator.";

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder admin = app.MapGroup("/api/admin").RequireAuthorization(Policies.Admin);
        admin.MapGet("/sessions", Sessions);
        admin.MapGet("/history", (SessionHistory history) => TypedResults.Ok(history.Points()));
        admin.MapGet("/history.svg", (SessionHistory history, TimeProvider clock) =>
            TypedResults.Text(HistoryChart.Svg(history.Points(), clock.GetUtcNow(), 720, 280), "image/svg+xml"));
        admin.MapGet("/worlds", SearchWorlds);
        admin.MapPost("/worlds/{id}/save", SaveWorld);
        admin.MapPost("/worlds/{id}/stop", StopWorld);
        admin.MapDelete("/worlds/{id}", DeleteWorld);
        admin.MapGet("/worlds/{id}/links", ListLinks);
        admin.MapDelete("/worlds/{id}/links/{linkId}", RevokeLink);
        admin.MapGet("/audit", AuditEntries);
        admin.MapGet("/system", SystemStatus);
        admin.MapAdminModelsApi();
        admin.MapNodesApi();
        return app;
    }

    private static async Task<Ok<LiveSessionInfo[]>> Sessions(
        WorldDirectory directory, StepSchedulers schedulers, IDbContextFactory<WorldWebDbContext> contexts, CancellationToken cancellationToken)
    {
        WorldSession[] live = [.. directory.Live];
        string[] ids = [.. live.Select(s => s.Id)];
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        var records = await db.Worlds.AsNoTracking().Where(w => ids.Contains(w.Id))
            .ToDictionaryAsync(w => w.Id, w => (w.Title, w.OwnerId), cancellationToken);
        return TypedResults.Ok(live.Where(s => records.ContainsKey(s.Id)).Select(s =>
        {
            (double p50, double p99, double rows) = schedulers.For(s.ModelName).Recent.Summary();
            (string title, string owner) = records[s.Id];
            return new LiveSessionInfo(s.Id, title, s.ModelName, owner, s.Viewers, s.Model.Manifest.Fps, Math.Round(s.ActualFps, 2), s.Step,
                Math.Round(p50, 2), Math.Round(p99, 2), Math.Round(rows, 2), s.Coherence().ToInfo());
        }).OrderBy(s => s.WorldId, StringComparer.Ordinal).ToArray());
    }

    /// <summary>Worlds whose id, title or owner contains <paramref name="q"/> (all when empty), newest first.</summary>
    private static async Task<Ok<AdminWorldInfo[]>> SearchWorlds(
        string? q, WorldDirectory directory, IDbContextFactory<WorldWebDbContext> contexts, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        IQueryable<WorldRecord> query = db.Worlds.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            string pattern = AuditLog.Like(q.Length > 100 ? q[..100] : q);
            query = query.Where(w => EF.Functions.ILike(w.Id, pattern) || EF.Functions.ILike(w.Title, pattern) || EF.Functions.ILike(w.OwnerId, pattern));
        }
        List<WorldRecord> worlds = await query.OrderByDescending(w => w.UpdatedAt).Take(MaxSearchResults).ToListAsync(cancellationToken);
        return TypedResults.Ok(worlds.Select(w =>
        {
            WorldSession? live = directory.FindLive(w.Id);
            return new AdminWorldInfo(w.Id, w.Title, w.Model, w.OwnerId, w.IsPublic, live is not null, live?.Step ?? w.Step, w.CreatedAt, w.UpdatedAt);
        }).ToArray());
    }

    private static async Task<Results<Created<SaveInfo>, ProblemHttpResult>> SaveWorld(
        string id, ClaimsPrincipal user, [AsParameters] AdminServices services, CancellationToken cancellationToken)
    {
        if (await FindAsync(services.Store, id, cancellationToken) is null)
        {
            return ApiProblems.WorldNotFound(id);
        }
        (SaveRecord? save, ProblemHttpResult? unavailable) = await SaveAnswers.SaveNowAsync(services.Saves, id, new WorldCaller(user.UserId()), "admin save", SaveKind.Auto, cancellationToken);
        if (save is null)
        {
            return unavailable!;
        }
        await services.Audit.RecordAsync(user, AuditActions.AdminSave, id, $"at step {save.Step}", cancellationToken);
        return TypedResults.Created($"/api/worlds/{id}/saves/{save.Id}", SaveAnswers.ToInfo(save));
    }

    /// <summary>Saves a live world and unloads it; its streams end and joined clients get WorldClosed. The world stays and can be joined again.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> StopWorld(
        string id, ClaimsPrincipal user, [AsParameters] AdminServices services, CancellationToken cancellationToken)
    {
        if (await FindAsync(services.Store, id, cancellationToken) is null)
        {
            return ApiProblems.WorldNotFound(id);
        }
        try
        {
            await services.Endings.StopAsync(id, new WorldCaller(user.UserId()), StoppedReason, cancellationToken);
        }
        catch (CallerRefusedException ex)
        {
            return ApiProblems.Refused(ex.Message);  // no longer an admin, as the node that runs the world reads it
        }
        await services.Audit.RecordAsync(user, AuditActions.AdminStop, id, null, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteWorld(
        string id, ClaimsPrincipal user, [AsParameters] AdminServices services, CancellationToken cancellationToken)
    {
        if (await FindAsync(services.Store, id, cancellationToken) is not { } world)
        {
            return ApiProblems.WorldNotFound(id);
        }
        try
        {
            await services.Endings.DeleteAsync(id, new WorldCaller(user.UserId()), DeletedReason, cancellationToken);
        }
        catch (CallerRefusedException ex)
        {
            return ApiProblems.Refused(ex.Message);
        }
        await services.Audit.RecordAsync(user, AuditActions.AdminDelete, id, $"{world.Title} of {world.OwnerId}", cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<ShareLinkSummary[]>, ProblemHttpResult>> ListLinks(
        string id, WorldStore store, ShareLinkStore links, CancellationToken cancellationToken)
    {
        if (await FindAsync(store, id, cancellationToken) is null)
        {
            return ApiProblems.WorldNotFound(id);
        }
        List<ShareLinkRecord> all = await links.ListAsync(id, cancellationToken);
        return TypedResults.Ok(all.Select(l => new ShareLinkSummary(l.Id.ToString(), l.Role, l.CreatedAt, l.ExpiresAt, l.RevokedAt is not null)).ToArray());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeLink(
        string id, string linkId, ClaimsPrincipal user, [AsParameters] AdminServices services, CancellationToken cancellationToken)
    {
        if (await FindAsync(services.Store, id, cancellationToken) is null)
        {
            return ApiProblems.WorldNotFound(id);
        }
        if (!Guid.TryParse(linkId, out Guid guid) || !await services.Links.RevokeAsync(id, guid, cancellationToken))
        {
            return ApiProblems.LinkNotFound(id, linkId);
        }
        await services.Audit.RecordAsync(user, AuditActions.AdminLinkRevoke, id, $"link {guid}", cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<AuditEntryInfo[]>> AuditEntries([AsParameters] AuditQuery query, AuditLog audit, CancellationToken cancellationToken)
    {
        List<AuditEntry> entries = await audit.QueryAsync(query.Actor, query.Action, query.Target, query.Before, query.Take ?? 100, cancellationToken);
        return TypedResults.Ok(entries.Select(e => new AuditEntryInfo(e.Id, e.At, e.ActorId, e.ActorEmail, e.Action, e.Target, e.Detail)).ToArray());
    }

    private static async Task<Ok<SystemInfo>> SystemStatus(
        [AsParameters] SystemServices services, CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await services.Contexts.CreateDbContextAsync(cancellationToken);
        long databaseBytes = await db.Database.SqlQuery<long>($"SELECT pg_database_size(current_database()) AS \"Value\"").SingleAsync(cancellationToken);
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return TypedResults.Ok(new SystemInfo(Environment.ProcessorCount, Math.Round(services.Cpu.Percent(), 1), process.WorkingSet64,
            GC.GetTotalMemory(false), databaseBytes, services.Directory.Live.Count, Inference(services.Catalog.All, services.Inference.Value.ExecutionProvider),
            await services.Gpu.ReadAsync(cancellationToken)));
    }

    /// <summary>How each loaded model runs, and the configured provider where a model does not run on it.</summary>
    internal static string Inference(IReadOnlyList<LoadedModel> loaded, ExecutionProviderKind configured)
    {
        string models = string.Join("; ", loaded.Select(m => $"{m.Name}: {m.RunsOn}"));
        return loaded.Any(m => m.Package.ExecutionProvider != configured)
            ? $"{models} (Inference:ExecutionProvider is {configured}: it could not load; the server log says why)"
            : models;
    }

    private static async Task<WorldRecord?> FindAsync(WorldStore store, string id, CancellationToken cancellationToken) =>
        WorldAccess.LooksLikeWorldId(id) ? await store.FindAsync(id, cancellationToken) : null;

    /// <summary><c>GET /api/admin/audit</c>'s query: entries by whom, of what and on what, before an entry id, how many (100 unless said).</summary>
    public readonly record struct AuditQuery(string? Actor, string? Action, string? Target, long? Before, int? Take);

    /// <summary>The services these endpoints take from the container, bound with [AsParameters].</summary>
    public readonly record struct AdminServices(WorldStore Store, WorldSaves Saves, WorldEndings Endings, ShareLinkStore Links, AuditLog Audit);

    /// <summary>The services these endpoints take from the container, bound with [AsParameters].</summary>
    public readonly record struct SystemServices(ProcessCpu Cpu, GpuStatus Gpu, WorldDirectory Directory, ModelCatalog Catalog, IOptions<InferenceOptions> Inference, IDbContextFactory<WorldWebDbContext> Contexts);
}
