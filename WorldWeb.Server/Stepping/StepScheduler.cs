using System.Diagnostics;
using WorldWeb.Client.Contracts;
using WorldWeb.Inference.Stepping;
using WorldWeb.Server.ActionLog;
using WorldWeb.Server.Frames;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Operations;
using WorldWeb.Server.Database;
using WorldWeb.Server.Play;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Stepping;

/// <summary>
/// Steps every watched world of one model together, once per tick at the model's fps: one batched inference run,
/// or on CPU a few sub-batches run at the same time (<see cref="SteppingOptions.SubBatches"/>). A tick that overruns
/// delays the next one for every world alike, so all slow down evenly.
/// </summary>
public sealed partial class StepScheduler : IDisposable
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(10);

    /// <summary>Worlds in a tick from which their frames are encoded in parallel.</summary>
    private const int ParallelEncodeFrom = 8;

    // One model and batch per sub-batch; they share the package's session, whose runs may overlap.
    private readonly WorldModel[] _models;
    private readonly StepBatch[] _batches;
    private readonly FrameEncoder _encoder;
    private readonly WorldActionLog _log;
    private readonly StepMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly TickThreads _threads;
    private readonly SemaphoreSlim _tickGate = new(1, 1);
    // The last tick's encoding and publishing, under way while the next tick steps.
    private Task _publishing = Task.CompletedTask;
    private readonly Lock _sessionsGate = new();
    private WorldSession[] _sessions = [];
    private bool _retired;
    private long _runs, _rows;
    private TickReport _report = new();

    /// <param name="stepping">Its run timeout and how it bears failing runs; the defaults when null.</param>
    public StepScheduler(LoadedModel model, FrameEncoder encoder, WorldActionLog log, StepMetrics metrics, ILogger logger, TimeProvider clock,
        int subBatches = 1, SteppingOptions? stepping = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(subBatches, 1);
        Model = model;
        stepping ??= new SteppingOptions();
        Fault = new ModelFault(stepping, clock);
        TimeSpan runTimeout = TimeSpan.FromSeconds(stepping.RunTimeoutSeconds);
        _models = Enumerable.Range(0, subBatches).Select(_ => model.Package.CreateWorldModel(runTimeout)).ToArray();
        _batches = _models.Select(m => m.CreateBatch(8)).ToArray();
        _threads = new TickThreads($"tick {model.Name}", subBatches + 1);
        (_encoder, _log, _metrics, _logger, _clock) = (encoder, log, metrics, logger, clock);
    }

    public LoadedModel Model { get; }

    /// <summary>When full, worlds wait instead of stepping (no action may be made that cannot be logged).</summary>
    public WriteBacklog? Backlog { get; init; }

    public WorldNotices? Notices { get; init; }

    public WorkerFaults? Faults { get; init; }

    /// <summary>Whether its runs are failing, and whether its worlds are out of play for it.</summary>
    public ModelFault Fault { get; }

    /// <summary>Whether the last tick found the write backlog full and stepped nothing.</summary>
    public bool Paused { get; private set; }

    public TimeSpan Period => TimeSpan.FromSeconds(1.0 / Model.Manifest.Fps);

    /// <summary>Ticks that stepped so far (each one batched step, perhaps in sub-batches).</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>World steps made by those ticks.</summary>
    public long RowsStepped => Interlocked.Read(ref _rows);

    /// <summary>Step times and batch sizes of the recent ticks (the last minute at 20 fps).</summary>
    public TickWindow Recent { get; } = new();

    /// <summary>Puts a session on the schedule; false once the scheduler is retired (its model is being unloaded).</summary>
    public bool TryAdd(WorldSession session)
    {
        lock (_sessionsGate)
        {
            if (_retired)
            {
                return false;
            }
            _sessions = [.. _sessions, session];
            return true;
        }
    }

    /// <summary>
    /// Refuses every later session, but only when no session is scheduled now; false (and nothing changes) otherwise.
    /// Checked and set under one lock, so a world opening at the same moment either counts here or is refused.
    /// </summary>
    public bool TryRetire()
    {
        lock (_sessionsGate)
        {
            _retired = _sessions.Length == 0;
            return _retired;
        }
    }

    /// <summary>The sessions on the schedule: the live worlds of this model.</summary>
    public int Sessions => Volatile.Read(ref _sessions).Length;

    /// <summary>Takes a session out of the schedule; when this returns, no tick is stepping it or publishing its frame.</summary>
    public async Task RemoveAsync(WorldSession session)
    {
        await _tickGate.WaitAsync();
        try
        {
            lock (_sessionsGate)
            {
                _sessions = _sessions.Where(s => s != session).ToArray();
            }
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

    /// <summary>A tick's worlds after their step: the frames to encode and publish, and who faulted.</summary>
    private sealed record SteppedTick(WorldSession[] Due, byte[][] Rgb, long[] Steps, long[] Seqs, Exception?[] Faults, TickParts Parts)
    {
        public int Stepped => Faults.Count(f => f is null);
    }

    /// <summary>Fill, step, advance and log; null when no world is due or the worlds wait for the database.</summary>
    private SteppedTick? Step()
    {
        WorldSession[] due = Volatile.Read(ref _sessions).Where(s => s.Viewers > 0).ToArray();
        if (due.Length == 0 || IsPaused(due))
        {
            return null;
        }
        var parts = new TickParts();
        // A fault of one world's own (say a save whose context no longer fits its model) takes that world out of
        // play and no other; a fault of the run itself fails the tick, and the next tick tries again.
        var faults = new Exception?[due.Length];
        // Contiguous slices of the due worlds, one per sub-batch; a batch's rows step exactly as they would alone.
        int slices = Math.Min(_models.Length, due.Length);
        (int From, int To)[] ranges = [.. Enumerable.Range(0, slices).Select(k => (due.Length * k / slices, due.Length * (k + 1) / slices))];
        var applied = new StepAction[due.Length];
        _threads.ForEach(slices, slice =>
        {
            (int from, int to) = ranges[slice];
            StepBatch batch = BatchFor(slice, to - from);
            batch.Clear();
            for (int i = from; i < to; i++)
            {
                int row = batch.AddRow();
                applied[i] = due[i].NextAction();
                Isolated(faults, i, () => due[i].FillRow(batch, row, applied[i].Action));
            }
        });
        parts.Lap(TickPart.Fill);
        _threads.ForEach(slices, slice => _models[slice].Step(_batches[slice]));
        parts.Lap(TickPart.Step);
        Interlocked.Increment(ref _runs);
        Interlocked.Add(ref _rows, due.Length);

        var rgb = new byte[due.Length][];
        for (int slice = 0; slice < slices; slice++)
        {
            (int from, int to) = ranges[slice];
            for (int i = from; i < to; i++)
            {
                int row = i - from;
                StepBatch batch = _batches[slice];
                Isolated(faults, i, () => rgb[i] = due[i].Advance(batch, row));
            }
        }
        parts.Lap(TickPart.Advance);
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
        parts.Lap(TickPart.Log);
        Recent.Add(parts[TickPart.Step], due.Length);
        // Out of play now, not when the frames are out: the next tick must not step them again.
        TakeOutOfPlay(due, faults);
        return new SteppedTick(due, rgb, steps, [.. applied.Select(a => a.Seq)], faults, parts);
    }

    /// <summary>Encodes and publishes a stepped tick's frames; off the tick, so it never throws.</summary>
    private void Publish(SteppedTick tick)
    {
        try
        {
            (WorldSession[] due, TickParts parts) = (tick.Due, tick.Parts);
            // Rows that faulted in the step are skipped; those failing here are taken out of play here.
            Exception?[] faults = [.. tick.Faults];
            byte[][] encoded = EncodeAll(tick.Rgb, faults);
            parts.Lap(TickPart.Encode);
            long framesSent = 0, bytesSent = 0, sentAt = _clock.GetUtcNow().ToUnixTimeMilliseconds();
            for (int row = 0; row < due.Length; row++)
            {
                if (faults[row] is not null)
                {
                    continue;
                }
                int viewers = due[row].Viewers;
                (framesSent, bytesSent) = (framesSent + viewers, bytesSent + (long)viewers * encoded[row].Length);
                due[row].Publish(new FrameMessage(tick.Steps[row], tick.Seqs[row], _encoder.ContentType, encoded[row], sentAt));
            }
            parts.Lap(TickPart.Publish);
            _metrics.Tick(Model.Name, due.Length, parts, framesSent, bytesSent);
            Report(due, parts[TickPart.Step], parts.TotalMs);
            TakeOutOfPlay(due, [.. faults.Select((fault, row) => tick.Faults[row] is null ? fault : null)]);
        }
        catch (Exception ex)
        {
            LogPublishFailed(_logger, ex, Model.Name);
            _metrics.TickFailed(Model.Name);
            Faults?.Failed(WorkerName, ex, transient: false);
        }
    }

    private static void Isolated(Exception?[] faults, int row, Action work)
    {
        if (faults[row] is not null)
        {
            return;
        }
        try
        {
            work();
        }
        catch (Exception ex)
        {
            faults[row] = ex;
        }
    }

    /// <summary>Unschedules and fails each world whose own step threw; the rest of the model's worlds play on.</summary>
    private void TakeOutOfPlay(WorldSession[] due, Exception?[] faults)
    {
        for (int row = 0; row < due.Length; row++)
        {
            if (faults[row] is not { } fault)
            {
                continue;
            }
            lock (_sessionsGate)
            {
                _sessions = _sessions.Where(s => s != due[row]).ToArray();
            }
            due[row].Fail(fault);
            _metrics.WorldFailed(Model.Name);
            LogWorldFailed(_logger, fault, due[row].Id, Model.Name);
        }
    }

    /// <summary>
    /// Encodes every world's frame; across cores when there are enough of them to pay for it (each world's is
    /// independent, and at hundreds of worlds a serial encode alone would outlast the tick).
    /// </summary>
    private byte[][] EncodeAll(byte[][] rgb, Exception?[] faults)
    {
        var frame = Model.Manifest.Frame;
        var encoded = new byte[rgb.Length][];
        void Encode(int row) => Isolated(faults, row, () => encoded[row] = _encoder.Encode(rgb[row], frame.Width, frame.Height));
        if (rgb.Length < ParallelEncodeFrom || Environment.ProcessorCount == 1)
        {
            for (int row = 0; row < rgb.Length; row++)
            {
                Encode(row);
            }
        }
        else
        {
            // Across every core: the pool's, not the tick threads (which run this).
            Parallel.For(0, rgb.Length, new ParallelOptions { TaskScheduler = TaskScheduler.Default }, Encode);
        }
        return encoded;
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

    private StepBatch BatchFor(int slice, int rows)
    {
        if (rows > _batches[slice].Capacity)
        {
            int capacity = Math.Max(rows, 2 * _batches[slice].Capacity);
            _batches[slice].Dispose();
            _batches[slice] = _models[slice].CreateBatch(capacity);
        }
        return _batches[slice];
    }

    private void Report(WorldSession[] due, double stepMs, double tickMs)
    {
        _report.Add(due.Length, stepMs, tickMs);
        if (Stopwatch.GetElapsedTime(_report.Since) < ReportEvery)
        {
            return;
        }
        LogTicks(_logger, Model.Name, _report.Ticks, _report.MeanWorlds, _report.MeanStepMs, _report.MeanTickMs, Period.TotalMilliseconds,
            due.Length == 0 ? 0 : due.Average(s => s.ActualFps), Model.Manifest.Fps);
        _report = new TickReport();
    }

    public void Dispose()
    {
        foreach (StepBatch batch in _batches)
        {
            batch.Dispose();
        }
        foreach (WorldModel model in _models)
        {
            model.Dispose();
        }
        _tickGate.Dispose();
        _threads.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "World {WorldId} of model {Model} failed while stepping and was taken out of play; it resumes from its last save when opened again")]
    private static partial void LogWorldFailed(ILogger logger, Exception exception, string worldId, string model);

    [LoggerMessage(Level = LogLevel.Error, Message = "Publishing a tick of model {Model} failed")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string model);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model}: {Worlds} worlds paused while the database is behind: {Paused}")]
    private static partial void LogPaused(ILogger logger, string model, int worlds, bool paused);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduler for model {Model} ticking at {Fps} fps")]
    private static partial void LogStarted(ILogger logger, string model, int fps);

    [LoggerMessage(Level = LogLevel.Information, Message =
        "Model {Model}: {Ticks} ticks, {Worlds:F1} worlds per batched run, step {StepMs:F1} ms, tick {TickMs:F1} ms of {PeriodMs:F0} ms, actual {ActualFps:F1} of {TargetFps} fps per world")]
    private static partial void LogTicks(ILogger logger, string model, int ticks, double worlds, double stepMs, double tickMs, double periodMs, double actualFps, int targetFps);

    private sealed class TickReport
    {
        private double _worlds, _stepMs, _tickMs;

        public long Since { get; } = Stopwatch.GetTimestamp();
        public int Ticks { get; private set; }
        public double MeanWorlds => _worlds / Ticks;
        public double MeanStepMs => _stepMs / Ticks;
        public double MeanTickMs => _tickMs / Ticks;

        public void Add(int worlds, double stepMs, double tickMs)
        {
            Ticks++;
            (_worlds, _stepMs, _tickMs) = (_worlds + worlds, _stepMs + stepMs, _tickMs + tickMs);
        }
    }
}
