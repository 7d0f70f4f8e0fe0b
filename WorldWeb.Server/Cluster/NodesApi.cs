using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.Runtime;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.Audit;

namespace WorldWeb.Server.Cluster;

public static class NodesApi
{
    /// <summary>
    /// <c>GET /api/admin/nodes</c>: the cluster's nodes, with Orleans' view of each one's status.
    /// <c>POST /api/admin/nodes/drain</c>: a node hands its worlds over and takes no new ones (or, undrained, takes them again).
    /// </summary>
    public static RouteGroupBuilder MapNodesApi(this RouteGroupBuilder admin)
    {
        admin.MapGet("/nodes", Nodes);
        admin.MapPost("/nodes/drain", Drain);
        return admin;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Drain(DrainRequest request, ClaimsPrincipal user, NodeReports reports,
        AuditLog audit, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request?.Address) || request.Address.Length > 128)
        {
            return TypedResults.Problem("address must be a node's address, as GET /api/admin/nodes lists it.", statusCode: StatusCodes.Status400BadRequest);
        }
        if (!await reports.RequestDrainAsync(request.Address, request.Drain, cancellationToken))
        {
            return TypedResults.Problem($"There is no node '{request.Address}' in this cluster; GET /api/admin/nodes lists them.",
                statusCode: StatusCodes.Status404NotFound);
        }
        await audit.RecordAsync(user, request.Drain ? AuditActions.AdminNodeDrain : AuditActions.AdminNodeUndrain, request.Address, null, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<NodeInfo[]>> Nodes(NodeReports reports, IClusterMembershipService membership, CancellationToken cancellationToken)
    {
        Dictionary<string, SiloStatus> status = membership.CurrentSnapshot.Members.Values
            .ToDictionary(m => m.SiloAddress.ToParsableString(), m => m.Status);
        IEnumerable<NodeInfo> all = (await reports.ReadAllAsync(cancellationToken)).Values;
        return TypedResults.Ok(all
            .Select(n => n with { Status = status.TryGetValue(n.Address, out SiloStatus s) ? s.ToString() : "Unknown" })
            .Where(n => n.Status != nameof(SiloStatus.Dead) || n.ReportedAt > DateTimeOffset.UtcNow - TimeSpan.FromMinutes(10))
            .OrderBy(n => n.Url, StringComparer.Ordinal).ToArray());
    }
}
