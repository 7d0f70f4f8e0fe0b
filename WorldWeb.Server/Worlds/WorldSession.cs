using WorldWeb.Client.Contracts;
using WorldWeb.Inference.Frames;
using WorldWeb.Inference.Noise;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Poses;
using WorldWeb.Inference.Stepping;
using WorldWeb.Memory;
using WorldWeb.Server.Coherence;
using WorldWeb.Server.ModelPackages;

namespace WorldWeb.Server.Worlds;

/// <summary>
/// One live world: its step, tracked pose, context frames and memory, what its players asked for and its viewers.
/// Its scheduler calls <see cref="FillRow"/>, steps the batch and calls <see cref="Advance"/> then
/// <see cref="Publish"/>, all on the scheduler's thread; everything else may come from any thread.
/// Each generated frame passes the <see cref="CoherenceGuard"/> first; a rejected one rolls the world back to its
/// last good checkpoint (context and pose) and shows that checkpoint's frame instead.
/// </summary>
public sealed partial class WorldSession
{
    private readonly Lock _stateGate = new();
    private readonly Lock _viewerGate = new();
    private readonly List<FrameViewer> _viewers = [];
    private readonly FrameRateMeter _fps = new();
    private readonly int _frameFloats;
    private readonly List<byte[]> _contextRgb;
    private readonly WorldMemory? _memory;
    private readonly Func<Pose, bool>? _stoodOn;  // the memory's places stood on, for PoseTracking; made once, not per step
    private readonly MemoryFeed _feed;
    private readonly PoseTracking _poses;
    private readonly RevisitScore _revisits;
    private readonly CoherenceGuard _guard;
    private readonly int _checkpointEvery;
    private readonly ILogger? _logger;
    private (Pose Pose, byte[][] Context) _checkpoint;
    private int _rollbacks;
    private long _step;
    private Pose _pose;
    private FrameMessage? _current;
    private DateTimeOffset _idleSince;
    private bool _closed;

    /// <param name="memory">Null when the world has memory turned off: its memory slots stay empty.</param>
    public WorldSession(string id, ulong seed, LoadedModel model, WorldState state, WorldMemory? memory, TimeProvider clock,
        CoherenceOptions? coherence = null, ILogger? logger = null)
    {
        Id = id;
        Seed = seed;
        Model = model;
        _memory = memory;
        _stoodOn = memory is null ? null : memory.Stood.Contains;
        _feed = new MemoryFeed(model.Manifest.MemorySlots, model.Manifest.ContextFrames);
        _poses = PoseTracking.Of(model.Manifest);
        coherence ??= new CoherenceOptions();
        _guard = new CoherenceGuard(coherence);
        _checkpointEvery = coherence.CheckpointEverySteps;
        _logger = logger;
        _frameFloats = model.Manifest.Frame.ValueCount;
        _step = state.Step;
        _pose = state.Pose;
        _contextRgb = [.. state.Context];
        _checkpoint = (_pose, [.. _contextRgb]);
        _revisits = new RevisitScore();
        if (state.Coherence is { } saved)
        {
            _revisits = RevisitScore.Restore(saved.Revisits, saved.RevisitPsnrSum, saved.LastRevisitPsnr);
            _rollbacks = saved.Rollbacks;
            _guard.Restore(saved.Guard, state.CurrentFrame);
            _checkpoint = (saved.CheckpointPose, [.. saved.CheckpointContext]);
        }
        _idleSince = clock.GetUtcNow();
        Clock = clock;
    }

    public string Id { get; }

    public ulong Seed { get; }

    public LoadedModel Model { get; }

    public string ModelName => Model.Name;

    public long Step => Interlocked.Read(ref _step);

    public int Viewers
    {
        get { lock (_viewerGate) { return _viewers.Count; } }
    }

    public double ActualFps => _fps.FramesPerSecond;

    /// <summary>Memory and coherence as <c>GET /api/worlds/{id}</c> shows them.</summary>
    public WorldCoherence Coherence()
    {
        lock (_stateGate)
        {
            return new WorldCoherence(_memory?.Entries.Count ?? 0, _memory?.Bytes ?? 0,
                _revisits.Count, _revisits.MeanPsnr, _revisits.LastPsnr, _rollbacks);
        }
    }

    /// <summary>The memory held now (null when off); read it between steps only.</summary>
    internal WorldMemory? Memory => _memory;

    /// <summary>When the last viewer left (or the session was made); meaningless while <see cref="Viewers"/> &gt; 0.</summary>
    public DateTimeOffset IdleSince
    {
        get { lock (_viewerGate) { return _idleSince; } }
    }

    private TimeProvider Clock { get; }

    /// <summary>The encoded frame of the current step.</summary>
    public FrameMessage? CurrentFrame()
    {
        lock (_viewerGate)
        {
            return _current;
        }
    }

    public FrameViewer? AddViewer()
    {
        lock (_viewerGate)
        {
            if (_closed)
            {
                return null;
            }
            var viewer = new FrameViewer();
            if (_current is not null)
            {
                viewer.Offer(_current);
            }
            _viewers.Add(viewer);
            return viewer;
        }
    }

    public void RemoveViewer(FrameViewer viewer)
    {
        lock (_viewerGate)
        {
            if (_viewers.Remove(viewer) && _viewers.Count == 0)
            {
                _idleSince = Clock.GetUtcNow();
            }
        }
        viewer.Complete();
    }

    /// <summary>True once the session is closing or closed: it takes no viewers, and its world is being saved or deleted.</summary>
    public bool IsClosed
    {
        get { lock (_viewerGate) { return _closed; } }
    }

    /// <summary>Closes the session if it is still idle since <paramref name="before"/>; false when someone is watching.</summary>
    public bool TryCloseIfIdle(DateTimeOffset before)
    {
        lock (_viewerGate)
        {
            if (_viewers.Count > 0 || _idleSince > before)
            {
                return false;
            }
            _closed = true;
            return true;
        }
    }

    /// <summary>
    /// Why stepping this world threw, once it has: its state may be half-updated, so it is never saved, and opening
    /// the world again resumes it from its last save and logged actions.
    /// </summary>
    public Exception? Fault { get; private set; }

    /// <summary>Takes the world out of play after a fault of its own; its viewers' streams end with a message that says what to do.</summary>
    public void Fail(Exception fault)
    {
        Fault = fault;
        Close(new Microsoft.AspNetCore.SignalR.HubException(
            "This world hit an error on the server and stopped; open it again to resume it from its last save."));
    }

    /// <summary>Closes the session and ends every stream, with <paramref name="error"/> when given.</summary>
    public void Close(Exception? error = null)
    {
        FrameViewer[] viewers;
        lock (_viewerGate)
        {
            _closed = true;
            viewers = [.. _viewers];
            _viewers.Clear();
        }
        foreach (FrameViewer viewer in viewers)
        {
            viewer.Complete(error);
        }
    }

    public WorldState Capture()
    {
        lock (_stateGate)
        {
            var coherence = new CoherenceState(_revisits.Count, _revisits.SumPsnr, _revisits.LastPsnr, _rollbacks, _guard.State,
                _checkpoint.Pose, _checkpoint.Context);
            return new WorldState(_step, _pose, [.. _contextRgb], _memory?.Snapshot() ?? MemorySnapshot.Empty, coherence);
        }
    }

    /// <summary>Writes this world's inputs for step <c>Step + 1</c> into a batch row; <see cref="Advance(StepBatch, int)"/> takes its outputs.</summary>
    public void FillRow(StepBatch batch, int row, int action)
    {
        lock (_stateGate)
        {
            long next = _step + 1;
            batch.SetContext(row, _contextRgb);
            batch.SetAction(row, action);
            batch.SetViewPose(row, _pose);
            _filledAction = action;
            WorldNoise.Fill(Seed, next, batch.Noise(row));
            if (_memory is not null)
            {
                bool changesWorld = Model.Actions[action].ChangesWorld;
                _feed.Fill(batch, row, _memory, _pose, next, changesWorld, out int forgotten);
                if (changesWorld)
                {
                    LogWorldChanged(next, forgotten);
                }
            }
        }
    }

    /// <summary>Takes the row's outputs as the next step; returns the frame to show as RGB24.</summary>
    public byte[] Advance(StepBatch batch, int row) => Advance(batch.Frame(row), batch.PoseDelta(row));

    /// <summary>Takes a model's outputs (the frame, float CHW, and the pose delta) as the next step.</summary>
    internal byte[] Advance(ReadOnlySpan<float> frame, ReadOnlySpan<float> poseDelta)
    {
        byte[] rgb = new byte[_frameFloats];
        FrameMath.ToRgb24(frame, rgb);
        lock (_stateGate)
        {
            long step = _step + 1;
            Pose pose = _poses.Next(_pose, _filledAction, poseDelta, _stoodOn, viewUnchanged: rgb.AsSpan().SequenceEqual(_contextRgb[^1]));
            MemoryEntry? revisit = _memory?.RevisitOf(pose, step - _memory.Policy.RevisitMinSteps);
            double? revisitPsnr = revisit is null ? null : FrameCompare.Psnr(rgb, revisit.Rgb);
            bool moved = Math.Abs(pose.X - _pose.X) + Math.Abs(pose.Y - _pose.Y) + Math.Abs(Angles.Wrap(pose.Heading - _pose.Heading)) > 1e-4;
            FrameFault fault = _guard.Check(frame, rgb, moved, Model.Actions[_filledAction].ChangesWorld, revisitPsnr, _revisits);
            if (fault != FrameFault.None)
            {
                // The step happened all the same (its action is logged and replayed), and so did its change.
                return RollBack(step, fault);
            }
            if (revisitPsnr is { } psnr)
            {
                _revisits.Add(psnr);
            }
            _pose = pose;
            Push(rgb);
            Interlocked.Exchange(ref _step, step);
            _memory?.Remember(rgb, _pose, step);
            if (step % _checkpointEvery == 0)
            {
                _checkpoint = (_pose, [.. _contextRgb]);
            }
        }
        return rgb;
    }

    /// <summary>The step happens (its noise is spent, its action logged) but the world returns to its checkpoint.</summary>
    private byte[] RollBack(long step, FrameFault fault)
    {
        _pose = _checkpoint.Pose;
        for (int k = 0; k < _checkpoint.Context.Length; k++)
        {
            Push(_checkpoint.Context[k]);
        }
        Interlocked.Exchange(ref _step, step);
        _rollbacks++;
        byte[] shown = _contextRgb[^1];
        _guard.Reset(shown);
        if (_logger is not null)
        {
            LogRolledBack(_logger, Id, step, fault, _rollbacks);
        }
        return shown;
    }

    private void Push(byte[] rgb)
    {
        // The model sees the 8-bit frame the viewers see, so a save holds the context exactly.
        _contextRgb.RemoveAt(0);
        _contextRgb.Add(rgb);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "World {WorldId} rolled back to its last good state at step {Step}: {Fault} frame ({Rollbacks} rollbacks so far)")]
    private static partial void LogRolledBack(ILogger logger, string worldId, long step, FrameFault fault, int rollbacks);

    /// <summary>Sends a step's encoded frame to every viewer.</summary>
    public void Publish(FrameMessage frame)
    {
        _fps.Mark();
        lock (_viewerGate)
        {
            _current = frame;
            foreach (FrameViewer viewer in _viewers)
            {
                viewer.Offer(frame);
            }
        }
    }
}
