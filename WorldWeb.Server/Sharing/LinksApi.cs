using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.Audit;
using WorldWeb.Server.Visitors;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Sharing;

/// <summary>Share links of a world; owners only.</summary>
public static class LinksApi
{
    public const double MaxHours = 24 * 365;

    public static IEndpointRouteBuilder MapLinksApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder links = app.MapGroup("/api/worlds/{id}/links").RequireAuthorization(Policies.Visitor);
        links.MapPost("/", CreateLink);
        links.MapGet("/", ListLinks);
        links.MapDelete("/{linkId}", RevokeLink);
        return app;
    }

    public static string JoinUrl(string token) => $"/w/{token}";

    private static async Task<Results<Created<ShareLinkInfo>, ValidationProblem, ProblemHttpResult>> CreateLink(
        string id, CreateShareLinkRequest request, ClaimsPrincipal user, [AsParameters] LinksServices services, CancellationToken cancellationToken)
    {
        if (request.Role is not (WorldRoles.Viewer or WorldRoles.Player))
        {
            return ApiProblems.Invalid("role", "role must be \"viewer\" or \"player\".");
        }
        if (request.ExpiresInHours is { } hours && (double.IsNaN(hours) || hours <= 0 || hours > MaxHours))
        {
            return ApiProblems.Invalid("expiresInHours", $"expiresInHours must be more than 0 and at most {MaxHours}, or left out for a link that does not expire.");
        }
        (WorldRecord? world, ProblemHttpResult? problem) = await WorldAccess.OwnedAsync(services.Store, id, user, "share it", cancellationToken);
        if (world is null)
        {
            return problem!;
        }
        int max = services.Options.Value.MaxLinksPerWorld;
        if (await services.Links.CountUnrevokedAsync(id, cancellationToken) >= max)
        {
            return ApiProblems.TooMany($"This world has {max} share links that are not revoked, the most a world may have; revoke one to make another.");
        }
        TimeSpan? lifetime = request.ExpiresInHours is { } h ? TimeSpan.FromHours(h) : null;
        (ShareLinkRecord link, string token) = await services.Links.CreateAsync(id, request.Role, lifetime, cancellationToken);
        await services.Audit.RecordAsync(user, AuditActions.LinkCreate, id, $"{link.Role} link {link.Id}", cancellationToken);
        return TypedResults.Created($"/api/worlds/{id}/links/{link.Id}",
            new ShareLinkInfo(link.Id.ToString(), token, JoinUrl(token), link.Role, link.ExpiresAt));
    }

    private static async Task<Results<Ok<ShareLinkSummary[]>, ProblemHttpResult>> ListLinks(
        string id, ClaimsPrincipal user, WorldStore store, ShareLinkStore links, CancellationToken cancellationToken)
    {
        (WorldRecord? world, ProblemHttpResult? problem) = await WorldAccess.OwnedAsync(store, id, user, "list its links", cancellationToken);
        if (world is null)
        {
            return problem!;
        }
        List<ShareLinkRecord> all = await links.ListAsync(id, cancellationToken);
        return TypedResults.Ok(all.Select(l => new ShareLinkSummary(l.Id.ToString(), l.Role, l.CreatedAt, l.ExpiresAt, l.RevokedAt is not null)).ToArray());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeLink(
        string id, string linkId, ClaimsPrincipal user, [AsParameters] LinksServices services, CancellationToken cancellationToken)
    {
        (WorldRecord? world, ProblemHttpResult? problem) = await WorldAccess.OwnedAsync(services.Store, id, user, "revoke its links", cancellationToken);
        if (world is null)
        {
            return problem!;
        }
        if (!Guid.TryParse(linkId, out Guid guid) || !await services.Links.RevokeAsync(id, guid, cancellationToken))
        {
            return ApiProblems.LinkNotFound(id, linkId);
        }
        await services.Audit.RecordAsync(user, AuditActions.LinkRevoke, id, $"link {guid}", cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>The services these endpoints take from the container, bound with [AsParameters].</summary>
    public readonly record struct LinksServices(WorldStore Store, ShareLinkStore Links, AuditLog Audit, IOptions<WorldSessionOptions> Options);
}
