using Microsoft.Extensions.Logging;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Poses;
using WorldWeb.Inference.Stepping;
using WorldWeb.Memory;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Stepping;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Tests.Server;

/// <summary>
/// A press (paint) on a real scheduler: applied at one step per message while the held key walks on, logged as that
/// step's action, and replayed from the log to the same world, memory told of the change at the same step and place.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class PressActionTests : IDisposable
{
    private const int Forward = PressModel.Forward, Paint = PressModel.Paint, TurnLeft = PressModel.TurnLeft;

    private readonly PressModel _copy = new();
    private readonly ModelPackage _package;
    private readonly LoadedModel _model;

    public PressActionTests()
    {
        _package = _copy.Load();
        _model = new LoadedModel(_package);
    }

    [Fact]
    public async Task APress_SentOnceWhileTheKeyIsDown_IsAppliedAtExactlyOneStep_AndTheWalkGoesOn()
    {
        using var world = new LiveWorld(_model);
        world.Send(Forward, 1);
        await world.TickAsync(2);

        // The client sends one message per press, however long F stays down; the world steps on meanwhile.
        world.Send(Paint, 2);
        await world.TickAsync(4);

        Assert.Equal([1L, 1, 2, 1, 1, 1], world.Seqs);
        Assert.Equal([Forward, Forward, Paint, Forward, Forward, Forward], world.Applied);
        Assert.Equal(0, world.Session.PendingPresses);
    }

    [Fact]
    public async Task Presses_ArrivingBeforeOneStep_AreAppliedOnePerStep_InTheOrderSent()
    {
        using var world = new LiveWorld(_model);
        world.Send(TurnLeft, 1);
        world.Send(Paint, 2);
        world.Send(Paint, 3, player: "another");

        await world.TickAsync(4);

        Assert.Equal([2L, 3, 1, 1], world.Seqs);
        Assert.Equal([Paint, Paint, TurnLeft, TurnLeft], world.Applied);
    }

    [Fact]
    public async Task ReplayingTheAppliedActions_RegeneratesTheWorld_AndTellsMemoryOfEachPaintWhereThePlayerStoodBefore()
    {
        var liveLog = new ChangeLog();
        using var world = new LiveWorld(_model, liveLog);
        world.Send(Forward, 1);
        await world.TickAsync(3);
        world.Send(Paint, 2);
        await world.TickAsync(2);
        world.Send(TurnLeft, 3);
        world.Send(Paint, 4);
        world.Send(Paint, 5);
        await world.TickAsync(4);
        Assert.Equal([Forward, Forward, Forward, Paint, Forward, Paint, Paint, TurnLeft, TurnLeft], world.Applied);

        var replayLog = new ChangeLog();
        WorldSession replayed = NewSession(_model, replayLog);
        using var replayer = new WorldReplayer();
        await replayer.ReplayAsync(replayed, [.. world.Applied.Select(a => (byte)a)]);

        (long Step, Pose At)[] expected = [.. world.Applied.Select((action, i) => (Step: i + 1L, At: world.PosesBefore[i], action))
            .Where(s => s.action == Paint).Select(s => (s.Step, s.At))];
        Assert.Equal([4L, 6, 7], expected.Select(c => c.Step));
        Assert.Equal(expected, liveLog.Changes);
        Assert.Equal(expected, replayLog.Changes);
        WorldState live = world.Session.Capture(), again = replayed.Capture();
        Assert.Equal((live.Step, live.Pose), (again.Step, again.Pose));
        Assert.Equal(live.CurrentFrame, again.CurrentFrame);
        Assert.Equal(live.Memory.LastWriteStep, again.Memory.LastWriteStep);
        Assert.Equal(live.Memory.Entries, again.Memory.Entries);
    }

    [Fact]
    public async Task APaint_IsDrawnWithNoneOfTheViewsItMakesStale_WhereAPlainStepWouldRecallThem()
    {
        using var world = new LiveWorld(_model);
        await world.TickAsync(12); // standing still: memory holds this spot's view, now old enough to be recalled
        using var worldModel = _package.CreateWorldModel();
        using var batch = worldModel.CreateBatch(1);

        world.Session.FillRow(batch, batch.AddRow(), PressModel.Noop);
        Assert.True(FilledSlots(batch) > 0, "a plain step here recalls the spot's view");
        batch.Clear();
        world.Session.FillRow(batch, batch.AddRow(), Paint);

        // Forgotten before the paint's own step recalls, so nothing pulls its frame back to the unpainted wall.
        Assert.Equal(0, FilledSlots(batch));
    }

    private static int FilledSlots(StepBatch batch)
    {
        var poses = batch.MemoryPose(0);
        var filled = 0;
        for (var slot = 3; slot < poses.Length; slot += 4) filled += poses[slot] == 1f ? 1 : 0;
        return filled;
    }

    [Fact]
    public async Task APaint_InAWorldWithMemoryOff_TellsNothingAndStepsOn()
    {
        var log = new ChangeLog();
        using var world = new LiveWorld(_model, log, memory: false);
        world.Send(Paint, 1);

        await world.TickAsync(2);

        Assert.Equal([Paint, 0], world.Applied);
        Assert.Empty(log.Changes);
    }

    public void Dispose()
    {
        _package.Dispose();
        _copy.Dispose();
    }

    private static WorldSession NewSession(LoadedModel model, ILogger? logger, bool memory = true) =>
        new("0000000000000009", 9, model, WorldGenesis.Of(model, 9),
            memory ? TestSchedulers.NewMemory(model) : null,
            TimeProvider.System, logger: logger);

    /// <summary>A world of the press model on its own scheduler, watched, stepped a tick at a time.</summary>
    private sealed class LiveWorld : IDisposable
    {
        private readonly StepScheduler _scheduler;
        private readonly FrameViewer _viewer;
        private readonly Dictionary<long, int> _actionOfSeq = new() { [0] = 0 };

        public LiveWorld(LoadedModel model, ILogger? logger = null, bool memory = true)
        {
            _scheduler = TestSchedulers.Create(model, subBatches: 1);
            Session = NewSession(model, logger, memory);
            _scheduler.TryAdd(Session);
            _viewer = Session.AddViewer()!;
        }

        public WorldSession Session { get; }

        /// <summary>The seq each step's frame carries: that of the action the step applied.</summary>
        public List<long> Seqs { get; } = [];

        /// <summary>The action each step applied, step 1 first: what the scheduler logged.</summary>
        public List<int> Applied => [.. Seqs.Select(seq => _actionOfSeq[seq])];

        /// <summary>Where the player stood before each step.</summary>
        public List<Pose> PosesBefore { get; } = [];

        public void Send(int action, long seq, string player = "player")
        {
            Assert.True(Session.SubmitAction(action, seq, player));
            _actionOfSeq[seq] = action;
        }

        public async Task TickAsync(int ticks)
        {
            for (int i = 0; i < ticks; i++)
            {
                PosesBefore.Add(Session.Capture().Pose);
                Assert.Equal(1, await _scheduler.TickAsync(CancellationToken.None));
                Assert.True(_viewer.Reader.TryRead(out var frame), "every tick publishes its frame before TickAsync returns");
                Assert.Equal(Session.Step, frame.Step);
                Seqs.Add(frame.LastActionSeq);
            }
        }

        public void Dispose() => _scheduler.Dispose();
    }

    /// <summary>The world changes a session told its memory of, from its log's structured state.</summary>
    private sealed class ChangeLog : ILogger
    {
        private readonly List<(long Step, Pose At)> _changes = [];

        public IReadOnlyList<(long Step, Pose At)> Changes
        {
            get { lock (_changes) { return [.. _changes]; } }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is not IReadOnlyList<KeyValuePair<string, object?>> fields || !fields.Any(f => f.Key == "Forgotten"))
            {
                return;
            }
            object? Field(string name) => fields.Single(f => f.Key == name).Value;
            lock (_changes)
            {
                _changes.Add(((long)Field("Step")!, new Pose((double)Field("X")!, (double)Field("Y")!, (double)Field("Heading")!)));
            }
        }
    }
}
