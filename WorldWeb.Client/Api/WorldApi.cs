using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Client.Api;

/// <summary>The REST API of WorldWeb.Server as the components use it; errors surface as <see cref="WorldApiException"/>.</summary>
public sealed class WorldApi(HttpClient http)
{
    public Task<IReadOnlyList<ModelInfo>> GetModelsAsync(CancellationToken ct = default) =>
        GetListAsync<ModelInfo>("api/models", ct);

    public Task<IReadOnlyList<WorldSummary>> GetWorldsAsync(CancellationToken ct = default) =>
        GetListAsync<WorldSummary>("api/worlds", ct);

    /// <summary>The shared snapshot of the public live worlds; the browser revalidates it with its ETag, so an unchanged lobby costs a 304.</summary>
    public Task<LobbySnapshot> GetLiveLobbyAsync(CancellationToken ct = default) =>
        GetAsync<LobbySnapshot>("api/lobby/live", ct);

    /// <summary>
    /// The lobby's snapshots as the server sends them (<see cref="LobbyStreamEvents"/>): the current one at once, then
    /// each that differs, until <paramref name="ct"/> is cancelled or the server ends the stream. A refusal (429: too many
    /// streams open) is a <see cref="WorldApiException"/>, and so is a stream whose first snapshot does not come within
    /// 5 s or that is silent for twice its keep-alive period after.
    /// </summary>
    public async IAsyncEnumerable<LobbySnapshot> FollowLiveLobbyAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        // Silence means the events are held back on the way (a buffering proxy, a browser that does not stream responses):
        // the page would show a lobby that does not come or that stopped.
        using var silence = CancellationTokenSource.CreateLinkedTokenSource(ct);
        silence.CancelAfter(LobbyStreamFirstWithin);
        using var request = new HttpRequestMessage(HttpMethod.Get, LobbyStreamEvents.Path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        // Headers only: the body never ends, and the browser's fetch hands it over as it comes.
        using HttpResponseMessage response = await HeardAsync(http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, silence.Token), silence, ct);
        await WorldApiException.ThrowIfFailedAsync(response, ct);
        Stream body = await HeardAsync(response.Content.ReadAsStreamAsync(silence.Token), silence, ct);
        // Not disposed: a read left waiting by silence would make the enumerator refuse to be; disposing the response
        // (the body's owner) ends the fetch.
        IAsyncEnumerator<SseItem<LobbySnapshot?>> events = SseParser.Create(body, ParseLobbyEvent).EnumerateAsync(silence.Token).GetAsyncEnumerator();
        while (await HeardAsync(events.MoveNextAsync().AsTask(), silence, ct))
        {
            silence.CancelAfter(LobbyStreamSilence);
            if (events.Current.Data is { } snapshot)
            {
                yield return snapshot;
            }
        }
    }

    private static readonly TimeSpan LobbyStreamFirstWithin = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan LobbyStreamSilence = 2 * LobbyStreamEvents.KeepAliveEvery;

    private static LobbySnapshot? ParseLobbyEvent(string eventType, ReadOnlySpan<byte> data) =>
        eventType == LobbyStreamEvents.Snapshot ? JsonSerializer.Deserialize<LobbySnapshot>(data, JsonSerializerOptions.Web) : null;

    /// <summary>
    /// The step's result, or its silence as a <see cref="WorldApiException"/> once <paramref name="silence"/> fires, whether
    /// or not the step heeds it (a browser's fetch that buffers the body does not).
    /// </summary>
    private static async Task<T> HeardAsync<T>(Task<T> step, CancellationTokenSource silence, CancellationToken ct)
    {
        try
        {
            return await step.WaitAsync(silence.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new WorldApiException(0, "The lobby's stream went silent.");
        }
    }

    /// <summary>Where an owner's world shows its last frame (an image; never resumes the world).</summary>
    public static string ThumbnailUrl(string worldId) => $"api/lobby/worlds/{Uri.EscapeDataString(worldId)}/thumbnail";

    public Task<WorldDetails> GetWorldAsync(string id, CancellationToken ct = default) =>
        GetAsync<WorldDetails>($"api/worlds/{Uri.EscapeDataString(id)}", ct);

    public Task<CreatedWorld> CreateWorldAsync(CreateWorldRequest request, CancellationToken ct = default) =>
        PostAsync<CreateWorldRequest, CreatedWorld>("api/worlds", request, ct);

    public Task<IReadOnlyList<SaveInfo>> GetSavesAsync(string worldId, CancellationToken ct = default) =>
        GetListAsync<SaveInfo>($"{WorldPath(worldId)}/saves", ct);

    public Task<SaveInfo> SaveAsync(string worldId, string? name, CancellationToken ct = default) =>
        PostAsync<CreateSaveRequest, SaveInfo>($"{WorldPath(worldId)}/saves", new CreateSaveRequest(name), ct);

    public Task<CreatedWorld> ForkAsync(string worldId, string? saveId, CancellationToken ct = default) =>
        PostAsync<ForkRequest, CreatedWorld>($"{WorldPath(worldId)}/fork", new ForkRequest(saveId), ct);

    public async Task DeleteSaveAsync(string worldId, string saveId, CancellationToken ct = default)
    {
        using var response = await http.DeleteAsync($"{WorldPath(worldId)}/saves/{Uri.EscapeDataString(saveId)}", ct);
        await WorldApiException.ThrowIfFailedAsync(response, ct);
    }

    public async Task<WorldSettings> UpdateWorldAsync(string worldId, UpdateWorldRequest request, CancellationToken ct = default)
    {
        using var response = await http.PatchAsJsonAsync(WorldPath(worldId), request, ct);
        return await ReadAsync<WorldSettings>(response, ct);
    }

    public async Task DeleteWorldAsync(string worldId, CancellationToken ct = default)
    {
        using var response = await http.DeleteAsync(WorldPath(worldId), ct);
        await WorldApiException.ThrowIfFailedAsync(response, ct);
    }

    public Task<IReadOnlyList<ShareLinkSummary>> GetLinksAsync(string worldId, CancellationToken ct = default) =>
        GetListAsync<ShareLinkSummary>($"{WorldPath(worldId)}/links", ct);

    public Task<ShareLinkInfo> CreateLinkAsync(string worldId, CreateShareLinkRequest request, CancellationToken ct = default) =>
        PostAsync<CreateShareLinkRequest, ShareLinkInfo>($"{WorldPath(worldId)}/links", request, ct);

    public async Task RevokeLinkAsync(string worldId, string linkId, CancellationToken ct = default)
    {
        using var response = await http.DeleteAsync($"{WorldPath(worldId)}/links/{Uri.EscapeDataString(linkId)}", ct);
        await WorldApiException.ThrowIfFailedAsync(response, ct);
    }

    public Task<ClipInfo> CreateClipAsync(CreateClipRequest request, CancellationToken ct = default) =>
        PostAsync<CreateClipRequest, ClipInfo>("api/clips", request, ct);

    public Task<ClipInfo> GetClipAsync(string clipId, CancellationToken ct = default) =>
        GetAsync<ClipInfo>(ClipPath(clipId), ct);

    /// <summary>The caller's own clips of a world, newest first.</summary>
    public Task<IReadOnlyList<ClipInfo>> GetClipsAsync(string worldId, CancellationToken ct = default) =>
        GetListAsync<ClipInfo>($"api/clips?world={Uri.EscapeDataString(worldId)}", ct);

    public async Task DeleteClipAsync(string clipId, CancellationToken ct = default)
    {
        using var response = await http.DeleteAsync(ClipPath(clipId), ct);
        await WorldApiException.ThrowIfFailedAsync(response, ct);
    }

    /// <summary>The play page's measures, for the server's /metrics and the admin's nodes view.</summary>
    public async Task ReportPlayStatsAsync(PlayStatsReport report, CancellationToken ct = default)
    {
        using var response = await http.PostAsJsonAsync("api/play/stats", report, ct);
        await WorldApiException.ThrowIfFailedAsync(response, ct);
    }

    private static string ClipPath(string clipId) => $"api/clips/{Uri.EscapeDataString(clipId)}";

    private static string WorldPath(string worldId) => $"api/worlds/{Uri.EscapeDataString(worldId)}";

    private async Task<T> GetAsync<T>(string path, CancellationToken ct)
    {
        using var response = await http.GetAsync(path, ct);
        return await ReadAsync<T>(response, ct);
    }

    private async Task<IReadOnlyList<T>> GetListAsync<T>(string path, CancellationToken ct) =>
        await GetAsync<List<T>>(path, ct);

    private async Task<TResponse> PostAsync<TRequest, TResponse>(string path, TRequest body, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync(path, body, ct);
        return await ReadAsync<TResponse>(response, ct);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        await WorldApiException.ThrowIfFailedAsync(response, ct);
        return await response.Content.ReadFromJsonAsync<T>(ct)
            ?? throw new WorldApiException((int)response.StatusCode, "The server sent an empty answer.");
    }
}
