using System.Text.Json;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Cluster;

/// <summary>
/// A <c>cluster_nodes</c> row read back as a <see cref="NodeInfo"/>, believed only when it holds together: placement,
/// routing and the URLs clients are sent to come from these rows, which any node (or anyone who can write the table)
/// wrote. A row whose report does not parse, names another address than its row, or claims impossible numbers or a
/// URL that is not http(s) is left out, with why.
/// </summary>
public static class NodeReportRow
{
    public const int MaxWorlds = 1_000_000;

    public static NodeInfo? Parse(ClusterNodeRecord row, out string? why)
    {
        NodeInfo? report;
        try
        {
            report = JsonSerializer.Deserialize<NodeInfo>(row.Report, JsonSerializerOptions.Web);
        }
        catch (JsonException ex)
        {
            why = $"its report is not a node report ({ex.Message})";
            return null;
        }
        why = report switch
        {
            null => "its report is empty",
            { Address: var a } when a != row.Address => $"its report names another node ({a})",
            { Url: { Length: > 0 } url } when !IsHttp(url) => $"its URL '{url}' is not an absolute http(s) URL",
            // A most of 0 would keep placement from ever sending the node a world (and the line waiting for it).
            { Worlds: < 0 or > MaxWorlds } or { Viewers: < 0 } or { MaxWorlds: < 1 } => "it claims a negative or impossible number of worlds or viewers",
            { Models: null } or { WorldIds: null } => "its report lacks its models or worlds",
            { WorldIds.Count: > MaxWorlds } => "it claims more worlds than any node runs",
            var r when r.Models.Any(m => m is null || m.Worlds < 0 || m.Capacity < 0) => "it claims a negative capacity or number of worlds for a model",
            _ => null,
        };
        return why is null ? report : null;
    }

    private static bool IsHttp(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
