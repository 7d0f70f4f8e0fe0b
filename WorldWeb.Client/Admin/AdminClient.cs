using System.Net.Http.Json;
using WorldWeb.Client.Api;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Client.Admin;

/// <summary>The <c>/api/admin</c> endpoints as the dashboard uses them; errors surface as <see cref="WorldApiException"/>.</summary>
public sealed class AdminClient(HttpClient http)
{
    public const string ChartPath = "api/admin/history.svg";

    public Task<List<LiveSessionInfo>> GetSessionsAsync(CancellationToken ct = default) => GetAsync<List<LiveSessionInfo>>("api/admin/sessions", ct);

    public Task<List<AdminWorldInfo>> SearchWorldsAsync(string? query, CancellationToken ct = default) =>
        GetAsync<List<AdminWorldInfo>>($"api/admin/worlds?q={Uri.EscapeDataString(query ?? "")}", ct);

    public Task<List<ShareLinkSummary>> GetLinksAsync(string worldId, CancellationToken ct = default) =>
        GetAsync<List<ShareLinkSummary>>($"{WorldPath(worldId)}/links", ct);

    public Task<SystemInfo> GetSystemAsync(CancellationToken ct = default) => GetAsync<SystemInfo>("api/admin/system", ct);

    public Task<List<AuditEntryInfo>> GetAuditAsync(string? actor, string? action, string? target, CancellationToken ct = default) =>
        GetAsync<List<AuditEntryInfo>>(
            $"api/admin/audit?actor={Uri.EscapeDataString(actor ?? "")}&action={Uri.EscapeDataString(action ?? "")}&target={Uri.EscapeDataString(target ?? "")}", ct);

    public Task<List<NodeInfo>> GetNodesAsync(CancellationToken ct = default) => GetAsync<List<NodeInfo>>("api/admin/nodes", ct);

    public async Task DrainAsync(string address, bool drain, CancellationToken ct = default)
    {
        using HttpResponseMessage response = await http.PostAsJsonAsync("api/admin/nodes/drain", new DrainRequest(address, drain), ct);
        await WorldApiException.ThrowIfFailedAsync(response, ct);
    }

    public Task SaveAsync(string worldId, CancellationToken ct = default) => SendAsync(HttpMethod.Post, $"{WorldPath(worldId)}/save", ct);

    public Task StopAsync(string worldId, CancellationToken ct = default) => SendAsync(HttpMethod.Post, $"{WorldPath(worldId)}/stop", ct);

    public Task DeleteAsync(string worldId, CancellationToken ct = default) => SendAsync(HttpMethod.Delete, WorldPath(worldId), ct);

    public Task RevokeLinkAsync(string worldId, string linkId, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Delete, $"{WorldPath(worldId)}/links/{Uri.EscapeDataString(linkId)}", ct);

    public async Task<ModelInfo> LoadModelAsync(string folder, CancellationToken ct = default)
    {
        using HttpResponseMessage response = await http.PostAsJsonAsync("api/admin/models", new LoadModelRequest(folder), ct);
        await WorldApiException.ThrowIfFailedAsync(response, ct);
        return await response.Content.ReadFromJsonAsync<ModelInfo>(ct) ?? throw new WorldApiException((int)response.StatusCode, "The server sent an empty answer.");
    }

    public Task UnloadModelAsync(string name, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Delete, $"api/admin/models/{Uri.EscapeDataString(name)}", ct);

    private static string WorldPath(string worldId) => $"api/admin/worlds/{Uri.EscapeDataString(worldId)}";

    private async Task<T> GetAsync<T>(string path, CancellationToken ct)
    {
        using HttpResponseMessage response = await http.GetAsync(path, ct);
        await WorldApiException.ThrowIfFailedAsync(response, ct);
        return await response.Content.ReadFromJsonAsync<T>(ct) ?? throw new WorldApiException((int)response.StatusCode, "The server sent an empty answer.");
    }

    private async Task SendAsync(HttpMethod method, string path, CancellationToken ct)
    {
        using HttpResponseMessage response = await http.SendAsync(new HttpRequestMessage(method, path), ct);
        await WorldApiException.ThrowIfFailedAsync(response, ct);
    }
}
