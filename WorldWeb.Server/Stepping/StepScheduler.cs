using WorldWeb.Server.ActionLog;
using WorldWeb.Server.Frames;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Workers;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Stepping;

/// <summary>
/// Steps every watched world of one model together, once per tick at the model's fps: one batched inference run,
/// or on CPU a few sub-batches run at the same time (<see cref="SteppingOptions.SubBatches"/>). A tick that overruns
/// delays the next one for every world alike, so all slow down evenly. This is the loop; the batches
/// (<see cref="SubBatches"/>), the frames (<see cref="FramePublisher"/>), a world's own faults
/// (<see cref="WorldFaults"/>) and the periodic log line (<see cref="TickReport"/>) are each their own.
/// </summary>
public sealed partial class StepScheduler : IDisposable
{
    private readonly SubBatches _batches;
    private readonly FramePublisher _frames;
    private readonly ScheduledWorlds _worlds = new();
    private readonly WorldFaults _worldFaults;
    private readonly TickReport _report;
    private readonly WorldActionLog _log;
    private readonly StepMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly TickThreads _threads;
    private readonly SemaphoreSlim _tickGate = new(1, 1);
    // The last tick's encoding and publishing, under way while the next tick steps.
    private Task _publishing = Task.CompletedTask;

    /// <param name="stepping">Its run timeout and how it bears failing runs; the defaults when null.</param>
    public StepScheduler(LoadedModel model, FrameEncoder encoder, WorldActionLog log, StepMetrics metrics, ILogger logger, TimeProvider clock,
        int subBatches = 1, SteppingOptions? stepping = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(subBatches, 1);
        Model = model;
        stepping ??= new SteppingOptions();
        Fault = new ModelFault(stepping, clock);
        _batches = new SubBatches(model.Package, TimeSpan.FromSeconds(stepping.RunTimeoutSeconds), subBatches);
        _threads = new TickThreads($"tick {model.Name}", subBatches + 1);
        (_log, _metrics, _logger, _clock) = (log, metrics, logger, clock);
        _frames = new FramePublisher(encoder, model.Manifest.Frame.Width, model.Manifest.Frame.Height, clock);
        _worldFaults = new WorldFaults(_worlds, metrics, logger, model.Name);
        _report = new TickReport(logger, model.Name, Period, model.Manifest.Fps);
    }

    public LoadedModel Model { get; }

    /// <summary>When full, worlds wait instead of stepping (no action may be made that cannot be logged).</summary>
    public WriteBacklog? Backlog { get; init; }

    public IWorldNotices? Notices { get; init; }

    public WorkerFaults? Faults { get; init; }

    /// <summary>Whether its runs are failing, and whether its worlds are out of play for it.</summary>
    public ModelFault Fault { get; }

    /// <summary>Whether the last tick found the write backlog full and stepped nothing.</summary>
    public bool Paused { get; private set; }

    public TimeSpan Period => TimeSpan.FromSeconds(1.0 / Model.Manifest.Fps);

    /// <summary>Ticks that stepped so far (each one batched step, perhaps in sub-batches).</summary>
    public long Runs => _batches.Runs;

    /// <summary>World steps made by those ticks.</summary>
    public long RowsStepped => _batches.Rows;

    /// <summary>Step times and batch sizes of the recent ticks (the last minute at 20 fps).</summary>
    public TickWindow Recent { get; } = new();

    /// <summary>Puts a session on the schedule; false once the scheduler is retired (its model is being unloaded).</summary>
    public bool TryAdd(WorldSession session) => _worlds.TryAdd(session);

    /// <inheritdoc cref="ScheduledWorlds.TryRetire"/>
    public bool TryRetire() => _worlds.TryRetire();

    /// <summary>The sessions on the schedule: the live worlds of this model.</summary>
    public int Sessions => _worlds.Count;

    /// <summary>Takes a session out of the schedule; when this returns, no tick is stepping it or publishing its frame.</summary>
    public async Task RemoveAsync(WorldSession session)
    {
        await _tickGate.WaitAsync();
        try
        {
            _worlds.Remove(session);
            await _publishing;
        }
        finally
        {
            _tickGate.Release();
        }
    }

    /// <summary>Ticks until <paramref name="stoppingToken"/> is cancelled, on the model's own threads (<see cref="TickThreads"/>).</summary>
    public Task RunAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => TickLoopAsync(stoppingToken), CancellationToken.None, TaskCreationOptions.DenyChildAttach, _threads).Unwrap();

    // Started on the tick threads, it stays there: each await resumes on the current task scheduler. It sleeps a
    // tick thread between ticks (there is one to spare for it: the loop is not stepping meanwhile).
    private async Task TickLoopAsync(CancellationToken stoppingToken)
    {
        var pacer = new TickPacer(Period);
        LogStarted(_logger, Model.Name, Model.Manifest.Fps);
        try
        {
            while (pacer.WaitForNextTick(stoppingToken))
            {
                if (!Fault.MayTick)
                {
                    RemindViewers();  // out of play, until its retry is due
                    continue;
                }
                try
                {
                    if (await StepAsync(stoppingToken) is not null)
                    {
                        Ran();
                    }
                    Faults?.Succeeded(WorkerName);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // A failed tick applied nothing, so the next one tries again; a model failing tick after tick is
                    // taken out of play instead (ModelFault), and /healthz tells.
                    _metrics.TickFailed(Model.Name);
                    TickFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// One tick: every due world of this model advances one step, and its frame is published before this returns.
    /// Returns how many worlds stepped.
    /// </summary>
    public async Task<int> TickAsync(CancellationToken cancellationToken)
    {
        int? stepped = await StepAsync(cancellationToken);
        await Volatile.Read(ref _publishing);
        return stepped ?? 0;
    }

    /// <summary>
    /// Steps every due world and starts encoding and publishing their frames, which go on while the next tick fills
    /// and steps (on a GPU that overlaps the CPU's encoding with the device's step; at hundreds of worlds the
    /// encoding alone would take much of a period). A tick waits for the previous tick's publishing before starting
    /// its own, so each world's frames go out in order and at most one tick's frames are in flight.
    /// </summary>
    /// <returns>How many worlds stepped; null when none was due, so nothing ran.</returns>
    private async Task<int?> StepAsync(CancellationToken cancellationToken)
    {
        await _tickGate.WaitAsync(cancellationToken);
        try
        {
            if (Step() is not { } tick)
            {
                return null;
            }
            await _publishing;
            tick.Parts.Lap(TickPart.Wait);
            Volatile.Write(ref _publishing, Task.Factory.StartNew(() => Publish(tick), CancellationToken.None, TaskCreationOptions.DenyChildAttach, _threads));
            return tick.Stepped;
        }
        finally
        {
            _tickGate.Release();
        }
    }

    private string WorkerName => $"StepScheduler({Model.Name})";

    /// <summary>Fill, step, advance and log; null when no world is due or the worlds wait for the database.</summary>
    private SteppedTick? Step()
    {
        WorldSession[] due = _worlds.Current.Where(s => s.Viewers > 0).ToArray();
        if (due.Length == 0 || IsPaused(due))
        {
            return null;
        }
        var parts = new TickParts();
        // A fault of one world's own (say a save whose context no longer fits its model) takes that world out of
        // play and no other; a fault of the run itself fails the tick, and the next tick tries again.
        var faults = new Exception?[due.Length];
        var applied = new StepAction[due.Length];
        byte[][] rgb = _batches.Step(_threads, due, applied, faults, parts);
        long[] steps = LogApplied(due, applied, faults);
        parts.Lap(TickPart.Log);
        Recent.Add(parts[TickPart.Step], due.Length);
        // Out of play now, not when the frames are out: the next tick must not step them again.
        _worldFaults.TakeOutOfPlay(due, faults);
        return new SteppedTick(due, rgb, steps, [.. applied.Select(a => a.Seq)], faults, parts);
    }

    /// <summary>Appends each stepped world's action to the action log; returns the steps they reached.</summary>
    private long[] LogApplied(WorldSession[] due, StepAction[] applied, Exception?[] faults)
    {
        var steps = new long[due.Length];
        for (int row = 0; row < due.Length; row++)
        {
            if (faults[row] is null)
            {
                steps[row] = due[row].Step;
                _log.Append(due[row].Id, steps[row], applied[row].Action, applied[row].Who);
                // A press is done only now: a tick that failed before this applied nothing, and the next one tries it again.
                due[row].Applied(applied[row]);
            }
        }
        return steps;
    }

    /// <summary>Encodes and publishes a stepped tick's frames; off the tick, so it never throws.</summary>
    private void Publish(SteppedTick tick)
    {
        try
        {
            (WorldSession[] due, TickParts parts) = (tick.Due, tick.Parts);
            // Rows that faulted in the step are skipped; those failing here are taken out of play here.
            Exception?[] faults = [.. tick.Faults];
            (long framesSent, long bytesSent) = _frames.Publish(tick, faults);
            _metrics.Tick(Model.Name, due.Length, parts, framesSent, bytesSent);
            _report.Add(due, parts[TickPart.Step], parts.TotalMs);
            _worldFaults.TakeOutOfPlay(due, [.. faults.Select((fault, row) => tick.Faults[row] is null ? fault : null)]);
        }
        catch (Exception ex)
        {
            LogPublishFailed(_logger, ex, Model.Name);
            _metrics.TickFailed(Model.Name);
            Faults?.Failed(WorkerName, ex, transient: false);
        }
    }

    /// <summary>Whether the worlds must wait for the database; tells their viewers when that starts and ends.</summary>
    private bool IsPaused(WorldSession[] due)
    {
        bool full = Backlog?.IsFull ?? false;
        if (full != Paused)
        {
            Paused = full;
            LogPaused(_logger, Model.Name, due.Length, full);
            foreach (WorldSession session in due)
            {
                _ = Notices?.PausedAsync(session.Id, full ? WriteBacklog.PausedReason : null);
            }
        }
        return full;
    }

    public void Dispose()
    {
        _batches.Dispose();
        _tickGate.Dispose();
        _threads.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Publishing a tick of model {Model} failed")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string model);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model}: {Worlds} worlds paused while the database is behind: {Paused}")]
    private static partial void LogPaused(ILogger logger, string model, int worlds, bool paused);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduler for model {Model} ticking at {Fps} fps")]
    private static partial void LogStarted(ILogger logger, string model, int fps);
}
