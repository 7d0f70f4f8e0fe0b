using Microsoft.AspNetCore.SignalR;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Cluster;

/// <summary>
/// A viewer here of a world another node owns: the owner sends each frame one way to this observer, which hands it
/// to a local <see cref="FrameViewer"/>, the same stream a viewer of a local world reads. Every
/// <see cref="RenewEvery"/> it renews its watch; when the owner is gone (killed) the renewals fail until the cluster
/// has declared it dead, then the next one reaches the world's new activation on a survivor, which does not know this
/// viewer, and it watches again: the viewer sees a pause, then the world going on from its last save and log.
/// </summary>
public sealed partial class WorldRelay : IWorldFramesObserver, IAsyncDisposable
{
    public static readonly TimeSpan RenewEvery = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan CallPatience = TimeSpan.FromSeconds(2);

    private readonly IGrainFactory _grains;
    private readonly IWorldGrain _grain;
    private readonly WorldCaller _caller;
    private readonly IWorldFramesObserver _self;
    private readonly ILogger _logger;
    private readonly Func<Task<string?>>? _resend;
    private readonly CancellationTokenSource _stop = new();
    private Task _renewing = Task.CompletedTask;

    private WorldRelay(IGrainFactory grains, IWorldGrain grain, WorldCaller caller, ILogger logger, Func<Task<string?>>? resend)
    {
        _grains = grains;
        _grain = grain;
        _caller = caller;
        _logger = logger;
        _resend = resend;
        _self = grains.CreateObjectReference<IWorldFramesObserver>(this);
    }

    public FrameViewer Viewer { get; } = new();

    /// <summary>
    /// Watches the world on its owner for <paramref name="caller"/>, whom the owner may refuse; a refusal (the world is
    /// restarting, the caller may not watch) is thrown as the hub's error.
    /// </summary>
    /// <param name="resend">Sends the player's held action again once the relay watches a new owner (its refusal, or null).</param>
    public static async Task<WorldRelay> StartAsync(IGrainFactory grains, IWorldGrain grain, WorldCaller caller, ILogger logger, Func<Task<string?>>? resend = null)
    {
        var relay = new WorldRelay(grains, grain, caller, logger, resend);
        if (await grain.Watch(caller, relay._self) is { } refusal)
        {
            await relay.DisposeAsync();
            throw new HubException(refusal);
        }
        relay._renewing = relay.RenewAsync(relay._stop.Token);
        return relay;
    }

    public Task OnFrame(RelayedFrame frame)
    {
        Viewer.Offer(frame.ToMessage());
        return Task.CompletedTask;
    }

    public Task OnClosed(string? reason)
    {
        LogClosedByOwner(_logger, _grain.GetPrimaryKeyString(), reason ?? "(no reason)");
        _stop.Cancel();
        Viewer.Complete(reason is null ? null : new HubException(reason));
        return Task.CompletedTask;
    }

    private async Task RenewAsync(CancellationToken stop)
    {
        bool watching = true;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(RenewEvery, stop);
                // A call may wait on an activation that is going away; the next renewal must not wait with it.
                if (!watching || !await _grain.Renew(_self).WaitAsync(CallPatience, stop))
                {
                    watching = false;
                    if (await _grain.Watch(_caller, _self).WaitAsync(CallPatience, stop) is { } refusal)
                    {
                        LogWatchRefused(_logger, _grain.GetPrimaryKeyString(), refusal);
                        if (refusal != LiveWorlds.Restarting)
                        {
                            Viewer.Complete(new HubException(refusal));  // the new owner decided the caller may not watch
                            return;
                        }
                        continue;
                    }
                    watching = true;
                    LogWatchingAgain(_logger, _grain.GetPrimaryKeyString());
                    await ResendAsync(stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The owner is gone or going (or its activation is deactivating): whatever the call threw, the answer is
                // to keep trying until the world runs somewhere again. A relay that stopped renewing would freeze its viewer.
                watching = false;
                LogRenewFailed(_logger, _grain.GetPrimaryKeyString(), ex.GetType().Name, ex.Message);
            }
        }
    }

    /// <summary>The key the player holds, for a world that resumed on a new owner holding none; a failure is only logged.</summary>
    private async Task ResendAsync(CancellationToken stop)
    {
        if (_resend is null)
        {
            return;
        }
        try
        {
            if (await _resend().WaitAsync(CallPatience, stop) is { } refusal)
            {
                LogResendRefused(_logger, _grain.GetPrimaryKeyString(), refusal);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            LogResendRefused(_logger, _grain.GetPrimaryKeyString(), $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        try
        {
            await _grain.Unwatch(_self);
        }
        catch (Exception ex) when (LiveWorlds.IsNodeFault(ex))
        {
            // The owner is gone; its watch went with it.
        }
        _grains.DeleteObjectReference<IWorldFramesObserver>(_self);
        Viewer.Complete();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "World {WorldId}: watching again on its owner (after a failover or a move)")]
    private static partial void LogWatchingAgain(ILogger logger, string worldId);

    [LoggerMessage(Level = LogLevel.Information, Message = "World {WorldId}: the held action was not taken again after the move: {Reason}")]
    private static partial void LogResendRefused(ILogger logger, string worldId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "World {WorldId}: its owner ended the stream: {Reason}")]
    private static partial void LogClosedByOwner(ILogger logger, string worldId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "World {WorldId}: renewing the watch failed ({Kind}: {Message}); trying again")]
    private static partial void LogRenewFailed(ILogger logger, string worldId, string kind, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "World {WorldId}: the owner refused the watch for now: {Refusal}")]
    private static partial void LogWatchRefused(ILogger logger, string worldId, string refusal);
}
