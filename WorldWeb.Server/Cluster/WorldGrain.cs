using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.Database;
using WorldWeb.Server.LocalWorlds;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Cluster;

/// <summary>
/// The owner of one world on this node: opening it resumes the world in the node's <see cref="WorldDirectory"/>, where
/// the node's scheduler steps it with the node's other worlds of its model, one batched run per tick. The activation
/// lives as long as the world is live here, and goes when the world is unloaded, so the next player's call places it
/// afresh. Reentrant: a frame pump or a renewal never waits behind a world's resume.
/// </summary>
[Reentrant, WorldPlacement]
internal sealed partial class WorldGrain(WorldDirectory directory, WorldControls controls, PlayerActions actions, CallerRights rights, LocalNode node, NodeReports reports,
    IOptions<DatabaseOptions> database, ILogger<WorldGrain> logger)
    : Grain, IWorldGrain
{
    /// <summary>A viewer elsewhere that has not renewed for this long is gone (its node died); its stream here ends.</summary>
    public static readonly TimeSpan WatchLease = TimeSpan.FromSeconds(5);

    private readonly Dictionary<IWorldFramesObserver, RemoteWatch> _watches = [];

    // Set once this activation hands its world over: calls that still reach it (it is reentrant) must not open the
    // world here again, or it would run on this node without a grain while the next activation runs it elsewhere.
    // A node that drains opens no world either (Orleans may activate a grain where its messages were routed); such
    // an activation migrates, which lets the placement director choose a node that does not drain.
    private bool _leaving;

    // Resumes of the world here still running. The world is not live until its resume ends, which can take seconds
    // (a long log to replay); the keep-alive tick must not take it for unloaded meanwhile and deactivate.
    private int _opening;

    // When this activation last refused to open the world for want of a place here. Callers keep sending to the node
    // they last reached, where a plain deactivation lets Orleans activate the grain again without asking placement: the
    // head of the line (JoinLine) would ask this full node again and again while another had freed a place. So a
    // refused activation migrates instead, for as long as it is asked, which lets placement choose where the next ask goes.
    private DateTimeOffset? _refusedFull;

    private static readonly TimeSpan AskedLately = TimeSpan.FromSeconds(5);

    private bool Leaving => _leaving || reports.HandsOver;

    private string WorldId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // KeepAlive: Orleans must not collect an activation whose world is live (that would let a second node open it).
        this.RegisterGrainTimer(KeepAsync, new GrainTimerCreationOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)) { KeepAlive = true, Interleave = true });
        return Task.CompletedTask;
    }

    public async Task<WorldOpening> Open()
    {
        try
        {
            WorldSession? session = await LiveAsync();
            if (session is null && Leaving)
            {
                this.MigrateOnIdle();
                return new WorldOpening(true, "This world is moving to another node; try again in a moment.", node.Address, node.Url, 0, 0);
            }
            return session is null ? Closed(null) : new WorldOpening(true, null, node.Address, node.Url, session.Step, session.Viewers);
        }
        catch (WorldUnavailableException ex)
        {
            return Closed(ex.Message, ex.IsFull);
        }
    }

    public async Task<string?> Act(WorldCaller caller, int action, long seq, string actor)
    {
        return await LiveAsync() is { } session
            ? await actions.SubmitAsync(session, caller, action, seq, actor)
            : "This world is moving to another node or has stopped; join it again.";
    }

    public Task Release(string actor)
    {
        directory.FindLive(WorldId)?.ReleaseActions(actor);
        return Task.CompletedTask;
    }

    public async Task<string?> Watch(WorldCaller caller, IWorldFramesObserver viewer)
    {
        if (await rights.WatchRefusalAsync(WorldId, caller) is { } refused)
        {
            return refused;
        }
        // Handing the world over: the viewer is to watch it where it goes next, not here.
        if (_leaving || await LiveAsync() is not { } session || session.AddViewer() is not { } frames)
        {
            if (Leaving)
            {
                this.MigrateOnIdle();  // the next call reaches the world's activation elsewhere
            }
            return LiveWorlds.Restarting;
        }
        Forget(viewer);
        _watches[viewer] = RemoteWatch.Start(session, frames, viewer, logger);
        return null;
    }

    public Task<bool> Renew(IWorldFramesObserver viewer)
    {
        if (!_watches.TryGetValue(viewer, out RemoteWatch? watch) || watch.Ended)
        {
            return Task.FromResult(false);
        }
        watch.Renewed = DateTimeOffset.UtcNow;
        return Task.FromResult(true);
    }

    public Task Unwatch(IWorldFramesObserver viewer)
    {
        Forget(viewer);
        return Task.CompletedTask;
    }

    public async Task<(Guid? SaveId, WorldRefusal? Refusal)> Save(WorldCaller caller, string name, int kind)
    {
        try
        {
            return await LiveAsync() is { } session
                ? ((await controls.SaveAsync(session, caller, name, (WorldWeb.Persistence.SaveKind)kind, CancellationToken.None)).Id, null)
                : (null, null);
        }
        catch (Exception ex) when (WorldRefusal.Of(ex) is { } refusal)
        {
            return (null, refusal);
        }
    }

    public async Task<RelayedFrame?> Frame() =>
        await LiveAsync() is { } session && session.CurrentFrame() is { } f
            ? RelayedFrame.From(f)
            : null;

    public Task<WorldGlimpse?> Glimpse() =>
        Task.FromResult(directory.FindLive(WorldId) is { IsClosed: false } session ? WorldGlimpse.Of(session) : null);

    public async Task<WorldRefusal?> SetActionMask(WorldCaller caller, int[] disabled)
    {
        try
        {
            await controls.SetActionMaskAsync(WorldId, caller, disabled);
            return null;
        }
        catch (Exception ex) when (WorldRefusal.Of(ex) is { } refusal)
        {
            return refusal;
        }
    }

    public async Task<(bool Ended, WorldRefusal? Refusal)> End(WorldCaller caller, string reason, bool delete)
    {
        try
        {
            if (delete)
            {
                await controls.CloseForDeletionAsync(WorldId, caller, reason);
                return (true, null);
            }
            return (await controls.StopAsync(WorldId, caller, reason, CancellationToken.None), null);
        }
        catch (Exception ex) when (WorldRefusal.Of(ex) is { } refusal)
        {
            return (false, refusal);
        }
    }

    public Task Leave()
    {
        _leaving = true;
        // Migrate, not deactivate: the placement director picks the next node now, and callers are routed there.
        // A plain deactivation leaves callers pointed here, where Orleans may activate the grain again.
        this.MigrateOnIdle();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _leaving = true;
        // Viewers elsewhere are not told: their next renewal finds the world's next activation and they watch it there.
        foreach (IWorldFramesObserver viewer in _watches.Keys.ToList())
        {
            Forget(viewer);
        }
        // Deactivated with its world still live (the node is leaving, or drained): save it and let the next call place it elsewhere.
        if (directory.FindLive(WorldId) is { IsClosed: false })
        {
            LogMoving(logger, WorldId, reason.Description);
            await directory.StopAsync(WorldId, "This world is moving to another node; it will be back in a moment.", cancellationToken);
        }
    }

    /// <summary>The world live here (until it is handed over), else opened here unless this node is leaving it.</summary>
    private async Task<WorldSession?> LiveAsync() =>
        directory.FindLive(WorldId) is { IsClosed: false } live ? live
        : Leaving ? null
        : await OpenHereAsync();

    /// <summary>
    /// Resumes the world on this node; the owner's worlds live on other nodes count toward their quota. Someone waits
    /// for it, so each statement has the interactive budget: a hung database is a refusal in seconds, not minutes.
    /// </summary>
    private async Task<WorldSession?> OpenHereAsync()
    {
        _opening++;
        using DatabaseBudget.Scope budget = DatabaseBudget.Limit(database.Value.Interactive);
        try
        {
            return await directory.OpenAsync(WorldId, CancellationToken.None, reports.LiveElsewhere());
        }
        catch (Exception ex) when (DatabaseFaults.IsTransient(ex))
        {
            LogDatabaseNotAnswering(logger, WorldId, ex.Message);
            throw new WorldUnavailableException(DatabaseFaults.NotAnswering, ex);
        }
        finally
        {
            _opening--;
        }
    }

    private Task KeepAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset stale = DateTimeOffset.UtcNow - WatchLease;
        foreach ((IWorldFramesObserver viewer, RemoteWatch watch) in _watches.ToList())
        {
            if (watch.Ended || watch.Renewed < stale)
            {
                Forget(viewer);
            }
        }
        if (_opening == 0 && directory.FindLive(WorldId) is not { IsClosed: false } && _watches.Count == 0)
        {
            if (_refusedFull > DateTimeOffset.UtcNow - AskedLately)
            {
                this.MigrateOnIdle();  // placement may find a place now (it stays here while it finds none)
            }
            else
            {
                DeactivateOnIdle();  // the world was unloaded here: the next open places it again
            }
        }
        return Task.CompletedTask;
    }

    private void Forget(IWorldFramesObserver viewer)
    {
        if (_watches.Remove(viewer, out RemoteWatch? watch))
        {
            watch.Stop();
        }
    }

    private WorldOpening Closed(string? refusal, bool full = false)
    {
        if (full)
        {
            _refusedFull = DateTimeOffset.UtcNow;
            this.MigrateOnIdle();
        }
        else
        {
            DeactivateOnIdle();
        }
        return new WorldOpening(false, refusal, node.Address, node.Url, 0, 0, full);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "World {WorldId} could not be opened, the database did not answer in time: {Fault}")]
    private static partial void LogDatabaseNotAnswering(ILogger logger, string worldId, string fault);

    [LoggerMessage(Level = LogLevel.Information, Message = "World {WorldId} leaves this node ({Reason}): saved and closed")]
    private static partial void LogMoving(ILogger logger, string worldId, string reason);

    /// <summary>One viewer elsewhere: a viewer of the session here whose frames are sent on, one way, as they come.</summary>
    private sealed class RemoteWatch
    {
        private readonly CancellationTokenSource _stop = new();
        private WorldSession _session = null!;
        private FrameViewer _frames = null!;

        public DateTimeOffset Renewed { get; set; } = DateTimeOffset.UtcNow;

        public bool Ended { get; private set; }

        public static RemoteWatch Start(WorldSession session, FrameViewer frames, IWorldFramesObserver viewer, ILogger logger)
        {
            var watch = new RemoteWatch { _session = session, _frames = frames };
            _ = Task.Run(() => watch.PumpAsync(viewer, logger));
            return watch;
        }

        public void Stop()
        {
            _stop.Cancel();
            _session.RemoveViewer(_frames);
        }

        private async Task PumpAsync(IWorldFramesObserver viewer, ILogger logger)
        {
            string? reason = null;
            try
            {
                await foreach (FrameMessage f in _frames.Reader.ReadAllAsync(_stop.Token))
                {
                    await viewer.OnFrame(RelayedFrame.From(f));
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;  // unwatched: the viewer knows
            }
            catch (Exception ex)
            {
                // The session ended with a reason for its viewers (stopped, deleted, failed), or the viewer's node is gone.
                reason = ex.Message;
                LogPumpEnded(logger, ex.GetType().Name, ex.Message);
            }
            finally
            {
                Ended = true;
            }
            try
            {
                await viewer.OnClosed(reason);
            }
            catch (Exception)
            {
                // The viewer's node is gone; nobody to tell.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A remote frame stream ended: {Kind}: {Message}")]
    private static partial void LogPumpEnded(ILogger logger, string kind, string message);
}
