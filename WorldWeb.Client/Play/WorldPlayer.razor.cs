using System.Diagnostics;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.SignalR;
using Microsoft.JSInterop;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Client.Play;

/// <summary>
/// Joins a world (by id or share-link token), draws its frame stream and, for owners and players, turns held
/// keys into actions. Used by the play page and the share-link page.
/// </summary>
public sealed partial class WorldPlayer : IAsyncDisposable
{
    private const double StatsRefreshMs = 250;

    private IWorldConnection? connection;
    private CancellationTokenSource? session;
    private IJSObjectReference? module;
    private ElementReference canvas;
    private ElementReference view;
    private WorldInfo? info;
    private ActionKeys? keys;
    private FrameStats stats = new();
    private string? joinError;
    private string? streamError;
    private string? actionError;
    private bool focused;
    private bool streaming;
    private string? joinedRef;
    private long nextSeq;
    private double lastStatsRender;

    [Parameter, EditorRequired] public string WorldRef { get; set; } = "";

    /// <summary>True on <c>/w/{token}</c>: a refused join is then explained as a link problem.</summary>
    [Parameter] public bool ViaLink { get; set; }

    [Inject] private IWorldConnectionFactory Connections { get; set; } = default!;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    private bool CanAct => info is not null && WorldRoles.CanAct(info.Role);

    private string MoveKeysText => MoveKeys.Describe(info?.Actions ?? []);

    protected override async Task OnParametersSetAsync()
    {
        if (WorldRef != joinedRef)
        {
            joinedRef = WorldRef;
            await JoinAsync();
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (info is not null && !streaming && session is not null)
        {
            streaming = true;
            module ??= await JS.InvokeAsync<IJSObjectReference>("import", "./js/worldView.js");
            await module.InvokeVoidAsync("attach", canvas, info.Width, info.Height, keys!.Codes.ToArray());
            if (CanAct)
            {
                await module.InvokeVoidAsync("focus", view);
            }

            _ = StreamFramesAsync(info.WorldId, session.Token);
        }
    }

    private async Task JoinAsync()
    {
        await StopAsync();
        info = null;
        joinError = streamError = actionError = null;
        stats = new FrameStats();
        session = new CancellationTokenSource();
        connection = Connections.Create();
        try
        {
            info = await connection.JoinAsync(WorldRef, session.Token);
            keys = new ActionKeys(info.Actions);
            // Sequence numbers start from the clock so a reloaded page never reuses the previous page's numbers,
            // which frames may still carry as lastActionSeq.
            nextSeq = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        }
        catch (WorldJoinException e)
        {
            joinError = e.Message;
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or IOException)
        {
            joinError = $"Could not reach the server ({e.Message}). Check your connection and reload the page.";
        }
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
            }

            streamError = "The world stopped sending frames.";
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is HubException or HttpRequestException or InvalidOperationException
                                       or IOException or JSException or OperationCanceledException)
        {
            streamError = $"Lost the world's frames: {e.Message}";
        }

        await InvokeAsync(StateHasChanged);
    }

    private Task ReconnectAsync() => JoinAsync();

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
        catch (InvalidOperationException)
        {
            actionError = "Not connected: moves cannot be sent. Use Reconnect.";
        }
    }

    private async Task StopAsync()
    {
        streaming = false;
        if (session is not null)
        {
            await session.CancelAsync();
            session.Dispose();
            session = null;
        }

        if (connection is not null)
        {
            await connection.DisposeAsync();
            connection = null;
        }
    }

    private static double NowMs() => Stopwatch.GetTimestamp() * 1000.0 / Stopwatch.Frequency;

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
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
