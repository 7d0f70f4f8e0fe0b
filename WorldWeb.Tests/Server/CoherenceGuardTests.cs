using Microsoft.Extensions.Logging.Abstractions;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Poses;
using WorldWeb.Inference.Runtime;
using WorldWeb.Inference.Stepping;
using WorldWeb.Memory;
using WorldWeb.Server.Coherence;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Tests.Server;

/// <summary>
/// Faults injected into the shipped model's output: the guard rolls the world back and it plays on with good frames.
/// The shipped model, not the CI one, because a guard can only tell a collapse from frames that normally hold together.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class CoherenceGuardTests : IDisposable
{
    private const int RecoveryFrames = 5;
    private readonly ModelPackage _package = ModelPackage.Load(TestEnvironment.ShippedModelFolder, new InferenceOptions(), NullLogger.Instance);
    private readonly WorldModel _model;
    private readonly StepBatch _batch;
    private readonly WorldSession _session;

    public CoherenceGuardTests()
    {
        _model = _package.CreateWorldModel();
        _batch = _model.CreateBatch(1);
        var loaded = new LoadedModel(_package);
        _session = new WorldSession("guard", 5, loaded, WorldGenesis.Of(loaded, 5),
            TestSchedulers.NewMemory(loaded), TimeProvider.System, new CoherenceOptions());
    }

    public static TheoryData<string> Faults => new() { "nan", "out-of-range", "blank", "frozen", "noise" };

    [Theory]
    [MemberData(nameof(Faults))]
    public void InjectedFault_RollsBackToTheLastGoodState_AndRecoversWithinFiveFrames(string fault)
    {
        // Warm-up ends where the next steps are turns: a view that stays frozen under a move is a wall stopping the
        // player, not a fault (Frozen_view_under_a_move_is_a_wall_stopping_the_player), but nothing stops a turn.
        var shown = new List<byte[]>();
        while (_session.Step < 25 || NextAction(_session) != TurnLeft)
        {
            shown.Add(Step(corrupt: null));
        }
        Assert.Equal(0, _session.Coherence().Rollbacks);
        long faultStep = _session.Step + 1;

        // The fault lasts three steps (frozen needs repeats to be seen); recovery is counted from its first frame.
        var after = new List<byte[]>();
        float[]? frozen = null;
        for (int i = 0; i < RecoveryFrames; i++)
        {
            bool faulty = i < 3;
            after.Add(Step(!faulty ? null : frame =>
            {
                switch (fault)
                {
                    case "nan": frame[frame.Length / 2] = float.NaN; break;
                    case "out-of-range": frame.AsSpan(0, 100).Fill(40f); break;
                    case "blank": frame.AsSpan().Fill(0.5f); break;
                    case "frozen": (frozen ??= [.. frame]).CopyTo(frame); break;
                    case "noise": // valid values, but nothing like the frame before: frame-to-frame similarity collapses
                        var random = new Random(i);
                        for (int v = 0; v < frame.Length; v++) frame[v] = random.NextSingle();
                        break;
                }
            }));
        }

        WorldCoherence coherence = _session.Coherence();
        Assert.InRange(coherence.Rollbacks, 1, 3);
        Assert.Equal(faultStep + RecoveryFrames - 1, _session.Step);
        // No frame shown was garbage: while the fault lasts the last good frame stands in; within five frames of
        // its start the world shows new frames of its own again.
        foreach (byte[] frame in after)
        {
            Assert.True(StdDev(frame) > 1, "a blank frame was shown");
        }
        Assert.False(after[^1].AsSpan().SequenceEqual(after[^2]), "the world did not play on after the fault");
        Assert.DoesNotContain(after[^2..], f => f.AsSpan().SequenceEqual(after[2]));
        Step(corrupt: null);
        Assert.Equal(coherence.Rollbacks, _session.Coherence().Rollbacks);
    }

    /// <summary>
    /// The model draws the player stopped (the same frame again) while its pose head reads a free step forward: the
    /// tracked pose stays where the frame shows the player, and nothing is rolled back. Before, the pose walked on
    /// into the wall and the guard took the still frames for a stuck model (6–7 rollbacks a play-page run).
    /// </summary>
    [Fact]
    public void Frozen_view_under_a_move_is_a_wall_stopping_the_player()
    {
        while (_session.Step < 20 || NextAction(_session) != Forward)
        {
            Step(corrupt: null);
        }
        float[]? stopped = null;
        Pose before = _session.Capture().Pose;
        Step(frame => stopped = [.. frame]);
        Pose walked = _session.Capture().Pose;
        byte[] first = Step(frame => stopped!.CopyTo(frame));
        byte[] second = Step(frame => stopped!.CopyTo(frame));

        Assert.True(Distance(before, walked) > 0.05, "the pose head read the first step as a free one");
        Assert.Equal(first, second);
        Assert.Equal(0, _session.Coherence().Rollbacks);
        Assert.Equal(0, Distance(walked, _session.Capture().Pose), 9);
    }

    /// <summary>
    /// A player holding forward from each of the shipped model's starts walks into walls. Before the tracked pose
    /// followed the frame, the model's still frames under a pose walking on were taken for a stuck model: 61 rollbacks
    /// in 1,200 steps, 57 of them on one world, each throwing the view up to 20 steps back.
    /// </summary>
    [Fact]
    public void Holding_forward_into_walls_never_rolls_back()
    {
        int stillFrames = 0;
        for (int seed = 1; seed <= 8; seed++)
        {
            var session = new WorldSession("walls", (ulong)seed, _session.Model, WorldGenesis.Of(_session.Model, seed),
                TestSchedulers.NewMemory(_session.Model), TimeProvider.System, new CoherenceOptions());
            byte[]? last = null;
            for (int i = 0; i < 150; i++)
            {
                _batch.Clear();
                session.FillRow(_batch, _batch.AddRow(), Forward);
                _model.Step(_batch);
                byte[] shown = session.Advance(_batch, 0);
                stillFrames += last is not null && shown.AsSpan().SequenceEqual(last) ? 1 : 0;
                last = shown;
            }
            Assert.Equal(0, session.Coherence().Rollbacks);
        }
        Assert.True(stillFrames > 50, $"only {stillFrames} frames stood still: the walk met no wall");
    }

    private const int Forward = 1, TurnLeft = 3;

    /// <summary>Forward, backward and a left turn, four steps each.</summary>
    private static int NextAction(WorldSession session) => (int)(session.Step / 4 % 3) + 1;

    private static double Distance(Pose a, Pose b) => double.Hypot(a.X - b.X, a.Y - b.Y);

    [Fact]
    public void HealthyPlay_NeverRollsBack()
    {
        for (int i = 0; i < 60; i++)
        {
            Step(corrupt: null);
        }
        Assert.Equal(0, _session.Coherence().Rollbacks);
    }

    /// <summary>
    /// Resuming replays the action log from a save, so the resumed world must judge each frame as the running one
    /// did. A save between checkpoints, then a fault right after it: the warmed-up guard of the running world sees the
    /// collapse and rolls back to its checkpoint; the resumed world, its guard and checkpoint restored from the save,
    /// must do exactly the same (a fresh guard would still be warming up and let the fault through).
    /// </summary>
    [Fact]
    public void WorldResumedFromASave_JudgesTheFramesAfterItAsTheRunningWorldDid()
    {
        WorldSession NewSession(WorldState state) => new("resume", 5, _session.Model, state, memory: null, TimeProvider.System, new CoherenceOptions());
        WorldSession running = NewSession(WorldGenesis.Of(_session.Model, 5));
        for (int i = 0; i < 27; i++)
        {
            Step(corrupt: null, running);
        }
        // Saved as a server saves: the model's own frames as its codebook's tokens, which must give them back exactly.
        TokenFrameCodec tokens = _session.Model.Tokens!;
        WorldState saved = SaveCodec.Decode(SaveCodec.Encode(running.Capture(), tokens), tokens);
        Assert.Equal(running.Capture().Context, saved.Context);
        Assert.NotEqual(0, saved.Step % new CoherenceOptions().CheckpointEverySteps);
        WorldSession resumed = NewSession(saved);

        static void Noise(float[] frame)
        {
            var random = new Random(1);
            for (int v = 0; v < frame.Length; v++) frame[v] = random.NextSingle();
        }
        for (int i = 0; i < 4; i++)
        {
            Action<float[]>? corrupt = i == 1 ? Noise : null;
            Assert.Equal(Step(corrupt, running), Step(corrupt, resumed));
            Assert.Equal(running.Capture().Pose, resumed.Capture().Pose);
        }
        Assert.Equal(1, running.Coherence().Rollbacks);
        Assert.Equal(running.Coherence(), resumed.Coherence());
    }

    private byte[] Step(Action<float[]>? corrupt, WorldSession? session = null)
    {
        session ??= _session;
        _batch.Clear();
        session.FillRow(_batch, _batch.AddRow(), NextAction(session));
        _model.Step(_batch);
        if (corrupt is null)
        {
            return session.Advance(_batch, 0);
        }
        float[] frame = _batch.Frame(0).ToArray();
        corrupt(frame);
        return session.Advance(frame, _batch.PoseDelta(0));
    }

    private static double StdDev(byte[] rgb)
    {
        double mean = rgb.Average(b => (double)b);
        return Math.Sqrt(rgb.Average(b => (b - mean) * (b - mean)));
    }

    public void Dispose()
    {
        _batch.Dispose();
        _model.Dispose();
        _package.Dispose();
    }
}
