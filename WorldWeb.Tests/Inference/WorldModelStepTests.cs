using System.Runtime.CompilerServices;
using WorldWeb.Inference.Frames;
using WorldWeb.Inference.Noise;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Poses;
using WorldWeb.Inference.Runtime;
using WorldWeb.Inference.Stepping;

namespace WorldWeb.Tests.Inference;

/// <summary>Stepping the fixture graph: frame = σ(last context + 0.1 noise + 0.01 action + 0.05 Σ valid memory).</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class WorldModelStepTests : IDisposable
{
    private const int FrameFloats = 3 * 8 * 8;

    private readonly ModelPackage _package = Fixtures.Load("tiny");
    private readonly WorldModel _model;

    public WorldModelStepTests() => _model = _package.CreateWorldModel();

    public void Dispose()
    {
        _model.Dispose();
        _package.Dispose();
    }

    /// <summary>Distinct inputs per world so a mixed-up row would show.</summary>
    private static void FillRow(ModelPackage package, StepBatch batch, int row, int world)
    {
        batch.SetContext(row, package.Start(world % package.StartCount));
        batch.SetAction(row, world % 4);
        WorldNoise.Fill((ulong)(1000 + world), world * 3, batch.Noise(row));
        batch.SetViewPose(row, new Pose(world + 0.5, 2.0 * world, 0.1 * world));  // read only by a graph that takes it
        if (world % 2 == 1)
        {
            var remembered = new byte[FrameFloats];
            Array.Fill(remembered, (byte)(60 * world));
            batch.SetMemory(row, 1, remembered, new RelativePose(1.5 * world, -0.5, 0.1));
        }
    }

    [Theory]
    [InlineData("tiny")]
    [InlineData("tiny_rgb24")]
    public void Step_ComputesTheFixtureGraphFromTheRowsInputs(string fixture)
    {
        using ModelPackage package = Fixtures.Load(fixture);
        using WorldModel model = package.CreateWorldModel();
        using StepBatch batch = model.CreateBatch(4);
        int row = batch.AddRow();
        FillRow(package, batch, row, world: 3);

        model.Step(batch);

        var last = new float[FrameFloats];
        FrameMath.FromRgb24(package.Start(3 % package.StartCount)[FrameFloats..], last);
        ReadOnlySpan<float> noise = batch.Noise(row), frame = batch.Frame(row);
        for (int i = 0; i < FrameFloats; i++)
        {
            float logit = last[i] + 0.1f * noise[i] + 0.01f * 3 + 0.05f * (180 / 255f);
            Assert.Equal(1 / (1 + MathF.Exp(-logit)), frame[i], 1e-6f);
        }
        Assert.Equal([0.3f + 0.001f * 4.5f, 0.06f, 0.15f], batch.PoseDelta(row).ToArray(), new ToleranceComparer(1e-6f));
    }

    [Fact]
    public void Step_AGraphThatReadsTheViewPose_GetsEachRowsPose_AndItsPackageSaysWhereStartsWereSeenFrom()
    {
        using ModelPackage package = Fixtures.Load("tiny_view_pose");
        using WorldModel model = package.CreateWorldModel();
        using StepBatch batch = model.CreateBatch(4);
        FillRow(package, batch, batch.AddRow(), world: 3);
        FillRow(package, batch, batch.AddRow(), world: 2);

        model.Step(batch);

        // tiny_view_pose's pose_delta adds 0.001 · view_pose to tiny's; FillRow's pose of world w is (w + 0.5, 2w, 0.1w).
        Assert.True(package.Manifest.TakesViewPose);
        Assert.Equal([0.3f + 0.001f * 4.5f + 0.0035f, 0.06f + 0.006f, 0.15f + 0.0003f], batch.PoseDelta(0).ToArray(), new ToleranceComparer(1e-6f));
        Assert.Equal([0.2f + 0.0025f, 0.04f + 0.004f, 0.1f + 0.0002f], batch.PoseDelta(1).ToArray(), new ToleranceComparer(1e-6f));
        Assert.Equal(new Pose(2.5, 2.5, (float)(Math.PI / 2)), package.StartPose(1));  // make_fixture_models.start_poses
        Assert.Equal(new Pose(0, 0, 0), _package.StartPose(1));  // tiny names no start poses
        Assert.False(_package.Manifest.TakesViewPose);
    }

    [Fact]
    public void Rgb24Package_StepsTheFramesOfItsFloatOriginalBitForBit()
    {
        // tiny_rgb24 is tiny converted by training/worldweb_training/rgb24.py: the graph, not WorldWeb, turns bytes into floats.
        using ModelPackage rgb24 = Fixtures.Load("tiny_rgb24");
        using WorldModel rgb24Model = rgb24.CreateWorldModel();
        using StepBatch floats = _model.CreateBatch(4), bytes = rgb24Model.CreateBatch(4);
        for (int world = 0; world < 4; world++)
        {
            FillRow(_package, floats, floats.AddRow(), world);
            FillRow(rgb24, bytes, bytes.AddRow(), world);
        }

        _model.Step(floats);
        rgb24Model.Step(bytes);

        for (int row = 0; row < 4; row++)
        {
            Assert.Equal(Bits(floats.Frame(row)), Bits(bytes.Frame(row)));
            Assert.Equal(Bits(floats.PoseDelta(row)), Bits(bytes.PoseDelta(row)));
        }
    }

    [Fact]
    public void Step_BatchOfThree_EqualsThreeBatchesOfOneBitExact()
    {
        using StepBatch batched = _model.CreateBatch(3);
        using StepBatch single = _model.CreateBatch(1);
        for (int world = 0; world < 3; world++)
        {
            FillRow(_package, batched, batched.AddRow(), world);
        }

        _model.Step(batched);

        for (int world = 0; world < 3; world++)
        {
            single.Clear();
            FillRow(_package, single, single.AddRow(), world);
            _model.Step(single);
            Assert.Equal(Bits(single.Frame(0)), Bits(batched.Frame(world)));
            Assert.Equal(Bits(single.PoseDelta(0)), Bits(batched.PoseDelta(world)));
        }
    }

    [Fact]
    public void Step_RepeatedWithIdenticalInputs_ReusesBuffersAndRepeatsOutputs()
    {
        using StepBatch batch = _model.CreateBatch(8);
        float[][] firstFrames = [];
        for (int tick = 0; tick < 5; tick++)
        {
            // Vary the batch size between ticks so cached tensors of several sizes are exercised.
            int rows = tick % 2 == 0 ? 3 : 8;
            batch.Clear();
            for (int world = 0; world < rows; world++)
            {
                FillRow(_package, batch, batch.AddRow(), world);
            }

            _model.Step(batch);

            float[][] frames = Enumerable.Range(0, 3).Select(r => batch.Frame(r).ToArray()).ToArray();
            if (tick == 0)
            {
                firstFrames = frames;
            }
            Assert.Equal(firstFrames, frames);
        }
    }

    [Fact]
    public void Step_OutputsLandInTheSameBuffersEveryTick()
    {
        using StepBatch batch = _model.CreateBatch(2);
        FillRow(_package, batch, batch.AddRow(), 0);
        _model.Step(batch);
        ref readonly float before = ref batch.Frame(0)[0];

        batch.SetAction(0, 2);
        _model.Step(batch);

        Assert.True(Unsafe.AreSame(in before, in batch.Frame(0)[0]));
    }

    [Theory]
    [InlineData("tiny")]
    [InlineData("tiny_rgb24")]
    [InlineData("tiny_view_pose")]
    public void AddRow_AfterClear_StartsFromZeroedInputs(string fixture)
    {
        using ModelPackage package = Fixtures.Load(fixture);
        using WorldModel model = package.CreateWorldModel();
        using StepBatch used = model.CreateBatch(2), fresh = model.CreateBatch(2);
        FillRow(package, used, used.AddRow(), 1);
        used.Clear();

        used.AddRow();
        fresh.AddRow();
        model.Step(used);
        model.Step(fresh);

        Assert.Equal(Bits(fresh.Frame(0)), Bits(used.Frame(0)));
        Assert.Equal(Bits(fresh.PoseDelta(0)), Bits(used.PoseDelta(0)));
        Assert.All(used.MemoryPose(0).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Batch_RefusesRowsBeyondCountOrCapacityAndUnknownActions()
    {
        using StepBatch batch = _model.CreateBatch(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.SetContextFrame(0, 0, new byte[FrameFloats]));
        batch.AddRow();

        Assert.Throws<InvalidOperationException>(() => batch.AddRow());
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.SetAction(0, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.SetContextFrame(0, 2, new byte[FrameFloats]));
        Assert.Throws<ArgumentException>(() => batch.SetContextFrame(0, 1, new byte[FrameFloats - 1]));
        Assert.Throws<ArgumentException>(() => batch.SetContext(0, new byte[FrameFloats]));
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.SetMemory(0, 2, new byte[FrameFloats], default));
    }

    [Fact]
    public void PaddedSteps_RunOnAPowerOfTwoRows_AndTheWorldsRowsStepTheSameFrames()
    {
        using ModelPackage padding = Fixtures.Load("tiny", new InferenceOptions { BatchPadding = BatchPadding.PowersOfTwo });
        using WorldModel padded = padding.CreateWorldModel();
        Assert.True(padding.PadsBatches);
        Assert.False(_package.PadsBatches);  // Auto on CPU: no padding, only extra work there
        Assert.Equal([1, 2, 4, 4, 8, 8, 1024], new[] { 1, 2, 3, 4, 5, 8, 1000 }.Select(padded.RowsFor));
        using StepBatch plain = _model.CreateBatch(5), rounded = padded.CreateBatch(5);
        for (int tick = 0; tick < 2; tick++)
        {
            // 5 rows, then 3: the second tick's padding rows hold the first tick's inputs, which must not matter.
            int worlds = tick == 0 ? 5 : 3;
            plain.Clear();
            rounded.Clear();
            for (int world = 0; world < worlds; world++)
            {
                FillRow(_package, plain, plain.AddRow(), world + tick);
                FillRow(padding, rounded, rounded.AddRow(), world + tick);
            }

            _model.Step(plain);
            padded.Step(rounded);

            Assert.Equal((worlds, tick == 0 ? 8 : 4), (plain.SteppedRows, rounded.SteppedRows));
            for (int row = 0; row < worlds; row++)
            {
                Assert.Equal(Bits(plain.Frame(row)), Bits(rounded.Frame(row)));
                Assert.Equal(Bits(plain.PoseDelta(row)), Bits(rounded.PoseDelta(row)));
            }
        }
    }

    [Fact]
    public void Step_BatchOfAnotherModel_IsRefused()
    {
        using WorldModel other = _package.CreateWorldModel();
        using StepBatch batch = other.CreateBatch(1);
        batch.AddRow();

        Assert.Throws<ArgumentException>(() => _model.Step(batch));
    }

    [Fact]
    public void Step_EmptyBatch_DoesNothing()
    {
        using StepBatch batch = _model.CreateBatch(1);

        _model.Step(batch);

        Assert.Equal(0, batch.Count);
    }

    [Theory]
    [InlineData("tiny_no_memory")]
    [InlineData("tiny_empty_memory")]
    public void Step_ModelWithoutMemorySlots_Runs(string fixture)
    {
        using ModelPackage package = Fixtures.Load(fixture);
        using WorldModel model = package.CreateWorldModel();
        using StepBatch batch = model.CreateBatch(2);
        for (int world = 0; world < 2; world++)
        {
            int row = batch.AddRow();
            batch.SetContext(row, package.Start(world));
            batch.SetAction(row, 1);
            WorldNoise.Fill(9, world, batch.Noise(row));
        }

        model.Step(batch);

        Assert.Throws<ArgumentOutOfRangeException>(() => batch.SetMemory(0, 0, new byte[FrameFloats], default));
        Assert.Equal([0.1f, 0.02f, 0.05f], batch.PoseDelta(1).ToArray());
        Assert.All(batch.Frame(1).ToArray(), v => Assert.InRange(v, 0f, 1f));
    }

    private static uint[] Bits(ReadOnlySpan<float> values) => values.ToArray().Select(BitConverter.SingleToUInt32Bits).ToArray();

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
