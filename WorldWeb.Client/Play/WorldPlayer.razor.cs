using System.Diagnostics;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;
using WorldWeb.Client.Api;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Client.Play;

/// <summary>
/// Joins a world (by id or share-link token), draws its frame stream and, for owners and players, turns keys into
/// actions: a held key's action while it is held, a press key's action once per press (<see cref="ActionKeys"/>).
/// When the connection drops (a server restart, a network blip) it rejoins by itself, keeping the last frame on
/// screen. Used by the play page and the share-link page.
/// </summary>
public sealed partial class WorldPlayer : IAsyncDisposable
{
    private const double StatsRefreshMs = 250;
    private const int MaxRetryDelayMs = 10_000;
    // A world opened for this page unloads if the page does not join it in time; then it waits in line again, not forever.
    private const int MaxTurnsInLine = 3;

    private readonly CancellationTokenSource lifetime = new();
    private IWorldConnection? connection;
    private CancellationTokenSource? session;
    private IJSObjectReference? module;
    private ElementReference canvas;
    private ElementReference view;
    private WorldInfo? info;
    private ActionKeys? keys;
    private FrameStats stats = new();
    private string? joinError;
    private string? connectionError;
    private string? actionError;
    private string? pausedNotice;
    private LinePlace? linePlace;
    private bool joined;
    private bool streaming;
    private bool reconnecting;
    private bool focused;
    private string? joinedRef;
    private long nextSeq;
    // The step of this page's first join of the world: a viewer's clips start no earlier.
    private long joinStep;
    private double lastStatsRender;
    private double lastStatsReport;

    [Parameter, EditorRequired] public string WorldRef { get; set; } = "";

    /// <summary>True on <c>/w/{token}</c>: a refused join is then explained as a link problem.</summary>
    [Parameter] public bool ViaLink { get; set; }

    /// <summary>Watch only, even where the caller's role lets it play: no keys are taken and no action is sent.</summary>
    [Parameter] public bool WatchOnly { get; set; }

    /// <summary>The first wait before rejoining after a lost connection; later waits double, up to 10 s.</summary>
    [Parameter] public int RetryDelayMs { get; set; } = 1000;

    [Inject] private IWorldConnectionFactory Connections { get; set; } = default!;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Inject] private WorldApi Api { get; set; } = default!;

    [Inject] private ILogger<WorldPlayer> Logger { get; set; } = default!;

    private bool CanAct => info is not null && !WatchOnly && WorldRoles.CanAct(info.Role);

    private string MoveKeysText => MoveKeys.Describe(info?.Actions ?? []) + " to move"
        + (MoveKeys.DescribePresses(info?.Actions ?? []) is { } presses ? $", {presses}" : "");

    protected override async Task OnParametersSetAsync()
    {
        if (WorldRef != joinedRef)
        {
            joinedRef = WorldRef;
            info = null;
            if (!await TryJoinAsync())
            {
                _ = RetryAsync();
            }
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (joined && !streaming && session is not null)
        {
            streaming = true;
            module ??= await JS.InvokeAsync<IJSObjectReference>("import", "./js/worldView.js");
            await module.InvokeVoidAsync("attach", canvas, info!.Width, info.Height, keys!.Codes.ToArray());
            if (CanAct)
            {
                await module.InvokeVoidAsync("focus", view);
            }

            _ = StreamFramesAsync(info.WorldId, session.Token);
        }
    }

    /// <summary>Joins on a fresh connection: true when joined or refused for good, false when the server was out of reach.</summary>
    private async Task<bool> TryJoinAsync()
    {
        await StopAsync();
        actionError = null;
        session = CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token);
        connection = Connections.Create();
        pausedNotice = null;
        connection.PausedChanged += OnPausedChanged;
        try
        {
            var world = await JoinInTurnAsync(connection, session.Token);
            var rejoined = keys is not null && info?.WorldId == world.WorldId;
            joinStep = info?.WorldId == world.WorldId ? joinStep : world.Step;
            info = world;
            keys = rejoined ? keys!.Carry(world.Actions) : new ActionKeys(world.Actions);
            stats = new FrameStats();
            // Sequence numbers start from the clock so a reloaded page never reuses the previous page's numbers,
            // which frames may still carry as lastActionSeq.
            nextSeq = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
            joined = true;
            joinError = connectionError = null;
            if (rejoined && CanAct && keys.Current != keys.IdleAction)
            {
                // The player still holds a key, but the world resumed (on a restarted or another server) without it.
                await SendAsync(keys.Current);
            }

            return true;
        }
        catch (WorldJoinException e)
        {
            info = null;
            joinError = e.Message;
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException
                                       or OperationCanceledException && !lifetime.IsCancellationRequested)
        {
            connectionError = "Cannot reach the server; trying again.";
            return false;
        }
    }

    /// <summary>Joins; on a full server it waits in line first, showing its place, and joins when its turn comes.</summary>
    private async Task<WorldInfo> JoinInTurnAsync(IWorldConnection hub, CancellationToken ct)
    {
        for (var turn = 1; ; turn++)
        {
            try
            {
                return await hub.JoinAsync(WorldRef, ct);
            }
            catch (WorldJoinException e) when (e.ServerFull && turn <= MaxTurnsInLine)
            {
                try
                {
                    await foreach (var place in hub.WaitInLineAsync(WorldRef, ct))
                    {
                        linePlace = place.Admitted ? null : place;
                        await InvokeAsync(StateHasChanged);
                    }
                }
                finally
                {
                    linePlace = null;
                }
            }
        }
    }

    private void OnPausedChanged(string worldId, string? reason)
    {
        if (worldId == info?.WorldId)
        {
            pausedNotice = reason;
            _ = InvokeAsync(StateHasChanged);
        }
    }

    private async Task RetryAsync()
    {
        if (reconnecting)
        {
            return;
        }

        reconnecting = true;
        try
        {
            for (var delay = RetryDelayMs; ; delay = Math.Min(delay * 2, MaxRetryDelayMs))
            {
                StateHasChanged();
                await Task.Delay(delay, lifetime.Token);
                if (await TryJoinAsync())
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
            return;
        }
        finally
        {
            reconnecting = false;
        }

        StateHasChanged();
    }

    private async Task StreamFramesAsync(string worldId, CancellationToken ct)
    {
        try
        {
            await foreach (var frame in connection!.FramesAsync(worldId, ct))
            {
                var latency = stats.LatencyMs;
                stats.FrameArrived(frame.Step, frame.LastActionSeq, NowMs());
                await module!.InvokeVoidAsync("draw", ct, canvas, frame.Data, frame.ContentType, frame.Step);
                // Text stats refresh a few times a second, not per frame; a first frame or a fresh latency at once.
                if (stats.Frames == 1 || stats.LatencyMs != latency || NowMs() - lastStatsRender >= StatsRefreshMs)
                {
                    lastStatsRender = NowMs();
                    await InvokeAsync(StateHasChanged);
                }
                if (stats.Fps is not null && NowMs() - lastStatsReport >= PlayStatsReport.Every.TotalMilliseconds)
                {
                    lastStatsReport = NowMs();
                    _ = ReportStatsAsync(stats.Report(), ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            // However the stream failed (socket closed, server gone, hub error), the answer is to rejoin, and a
            // rejoin that is refused says why. Nothing may escape: this task is not awaited.
            Logger.LogInformation(e, "Frames of world {WorldId} stopped", worldId);
        }

        if (!ct.IsCancellationRequested)
        {
            joined = false;
            connectionError = "Lost the connection to the world; reconnecting.";
            await InvokeAsync(RetryAsync);
        }
    }

    /// <summary>Sends the page's measures to the server; a report that does not arrive is only a missing sample.</summary>
    private async Task ReportStatsAsync(PlayStatsReport report, CancellationToken ct)
    {
        try
        {
            await Api.ReportPlayStatsAsync(report, ct);
        }
        catch (Exception e) when (e is WorldApiException or HttpRequestException or OperationCanceledException)
        {
            Logger.LogDebug(e, "Play stats not reported");
        }
    }

    private async Task OnKeyDownAsync(KeyboardEventArgs e)
    {
        if (CanAct && !e.Repeat && keys!.Press(e.Code) is { } action)
        {
            await SendAsync(action);
        }
    }

    private async Task OnKeyUpAsync(KeyboardEventArgs e)
    {
        if (CanAct && keys!.Release(e.Code) is { } action)
        {
            await SendAsync(action);
        }
    }

    private void OnFocus() => focused = true;

    private async Task OnBlurAsync()
    {
        focused = false;
        // Key-up events go elsewhere once the view loses focus; stop rather than walk on forever.
        if (CanAct && keys!.ReleaseAll() is { } action)
        {
            await SendAsync(action);
        }
    }

    private async Task SendAsync(int action)
    {
        if (!joined)
        {
            return;
        }

        var seq = nextSeq++;
        stats.ActionSent(seq, NowMs());
        try
        {
            await connection!.SendActionAsync(info!.WorldId, action, seq, session!.Token);
            actionError = null;
        }
        catch (HubException e)
        {
            actionError = $"The server refused that move: {e.Message}";
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or OperationCanceledException)
        {
            actionError = "That move was not sent: the connection is down.";
        }
    }

    private async Task StopAsync()
    {
        joined = false;
        streaming = false;
        if (session is not null)
        {
            await session.CancelAsync();
            session.Dispose();
            session = null;
        }

        if (connection is not null)
        {
            connection.PausedChanged -= OnPausedChanged;
            await connection.DisposeAsync();
            connection = null;
        }
    }

    private static double NowMs() => Stopwatch.GetTimestamp() * 1000.0 / Stopwatch.Frequency;

    public async ValueTask DisposeAsync()
    {
        await lifetime.CancelAsync();
        await StopAsync();
        lifetime.Dispose();
        if (module is not null)
        {
            try
            {
                await module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The page is going away; nothing to release.
            }
        }
    }
}
