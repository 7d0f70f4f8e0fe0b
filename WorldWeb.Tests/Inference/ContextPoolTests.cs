using WorldWeb.Inference.Frames;
using WorldWeb.Inference.Noise;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Poses;
using WorldWeb.Inference.Runtime;
using WorldWeb.Inference.Stepping;
using Xunit.Abstractions;

namespace WorldWeb.Tests.Inference;

/// <summary>
/// The context pool graph (docs/gpu.md, "Contexts kept on the device") run on CPU memory: worlds play freely through
/// the plain graph and the pooled one side by side, joining, rolling back, changing rows and sitting out ticks.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class ContextPoolTests(ITestOutputHelper output)
{
    private const int Ticks = 30;

    [Theory]
    [InlineData(BatchPadding.None, false)]
    [InlineData(BatchPadding.PowersOfTwo, false)]
    [InlineData(BatchPadding.PowersOfTwo, true)]
    public void PooledFreePlay_StepsThePlainGraphsFramesBitForBit_AndUploadsOnlyContextsThePoolLacks(BatchPadding padding, bool cudaGraphs) =>
        PlaySideBySide(Fixtures.Folder("tiny_pool"), padding, cudaGraphs: cudaGraphs);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PooledFreePlay_OfAGraphThatReadsTheViewPose_StepsThePlainGraphsFramesAndPosesBitForBit(bool cudaGraphs) =>
        PlaySideBySide(Fixtures.Folder("tiny_view_pose"), BatchPadding.PowersOfTwo, cudaGraphs: cudaGraphs);

    [Theory]
    [MemberData(nameof(DefaultModelTests.Packages), MemberType = typeof(DefaultModelTests))]
    public void PooledFreePlay_OfTheRealPackages_StepsThePlainGraphsFramesBitForBit(string folder)
    {
        ModelManifest? manifest = folder.Length == 0 ? null : ModelManifest.Load(Path.Combine(folder, ModelManifest.FileName));
        if (manifest?.ContextPool is null)
        {
            output.WriteLine($"SKIPPED: no package with a context pool graph ('{folder}')");
            return;
        }
        PlaySideBySide(folder, BatchPadding.PowersOfTwo);
        PlaySideBySide(folder, BatchPadding.PowersOfTwo, cudaGraphs: true);
        if (manifest.Half?.ContextPool is not null)
        {
            PlaySideBySide(folder, BatchPadding.PowersOfTwo, Precision.Half);  // its half-precision graphs, which the CPU runs too
        }
        if (manifest.Int8?.ContextPool is not null)
        {
            PlaySideBySide(folder, BatchPadding.PowersOfTwo, Precision.Int8);
        }
    }

    [Fact]
    public void Pooling_IsOnWhereConfigured_AutoOnlyOnCuda_AndNeverWithoutAPoolGraph()
    {
        using ModelPackage auto = Fixtures.Load("tiny_pool"), on = Fixtures.Load("tiny_pool", new InferenceOptions { ContextPooling = ContextPooling.On });
        using ModelPackage without = Fixtures.Load("tiny_rgb24", new InferenceOptions { ContextPooling = ContextPooling.On });
        using ModelPackage off = Fixtures.Load("tiny_pool", new InferenceOptions
        {
            ContextPooling = ContextPooling.Off,
            ExecutionProvider = ExecutionProviderKind.Cuda,  // without a GPU this falls back to CPU, so Off is what is shown
        });

        Assert.Equal((false, true, false, false), (auto.PoolsContexts, on.PoolsContexts, without.PoolsContexts, off.PoolsContexts));
    }

    [Fact]
    public void CudaGraphs_PadBatches_AndNeedAPoolGraphAndPadding_OrSaySoAndStepWithout()
    {
        var logger = new RecordingLogger();
        using ModelPackage graphs = Fixtures.Load("tiny_pool", new InferenceOptions { ContextPooling = ContextPooling.On, CudaGraphs = true });
        using ModelPackage without = ModelPackage.Load(Fixtures.Folder("tiny_rgb24"),
            new InferenceOptions { ContextPooling = ContextPooling.On, CudaGraphs = true }, logger);

        Assert.Equal((true, true), (graphs.ReplaysSteps, graphs.PadsBatches));
        Assert.Contains("fixed bindings", graphs.Contexts);
        Assert.Equal((false, false), (without.ReplaysSteps, without.PoolsContexts));
        (_, string message) = Assert.Single(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.Contains("no context pool graph", message);
        var error = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(
            () => new InferenceOptions { CudaGraphs = true, BatchPadding = BatchPadding.None }.Validate());
        Assert.Contains("padded batches", error.Message);
    }

    [Fact]
    public void APoolGraphOnAFloatFramePackage_IsRefusedSayingHowToConvert()
    {
        string json = File.ReadAllText(Fixtures.File("tiny", ModelManifest.FileName)).TrimEnd().TrimEnd('}') + ", \"context_pool\": {\"onnx\": \"pool.onnx\"}}";

        var error = Assert.Throws<ModelPackageException>(() => ModelManifest.Parse(json, "world.json"));

        Assert.Contains("training/rgb24.py", error.Message);
    }

    [Fact]
    public void AMissingPoolGraph_IsNamed()
    {
        string folder = Directory.CreateTempSubdirectory("worldweb-pool-").FullName;
        try
        {
            foreach (string file in new[] { "model.onnx", "starts.npy", ModelManifest.FileName })
            {
                File.Copy(Fixtures.File("tiny_pool", file), Path.Combine(folder, file));
            }

            var error = Assert.Throws<ModelPackageException>(() =>
                ModelPackage.Load(folder, new InferenceOptions { ContextPooling = ContextPooling.On }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));

            Assert.Contains("pool.onnx", error.Message);
            Assert.Contains("does not exist", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]  // the failure then comes from the device thread, and must reach the step as it was thrown
    public void APoolGraphThatFailsToRun_LeavesTheWorldsSteppingThePlainGraph_AndSaysSoOnce(bool cudaGraphs)
    {
        // tiny_broken_pool's pool graph loads and obeys world.json but cannot run on more than one row.
        var logger = new RecordingLogger();
        using ModelPackage broken = ModelPackage.Load(Fixtures.Folder("tiny_broken_pool"),
            new InferenceOptions { ContextPooling = ContextPooling.On, CudaGraphs = cudaGraphs }, logger);
        using ModelPackage plain = Fixtures.Load("tiny_pool");
        Assert.True(broken.PoolsContexts);
        using WorldModel brokenModel = broken.CreateWorldModel(), plainModel = plain.CreateWorldModel();
        using StepBatch pooled = brokenModel.CreateBatch(3), unpooled = plainModel.CreateBatch(3);

        for (int tick = 0; tick < 2; tick++)
        {
            foreach ((WorldModel model, StepBatch batch) in new[] { (brokenModel, pooled), (plainModel, unpooled) })
            {
                batch.Clear();
                for (int world = 0; world < 3; world++)
                {
                    int row = batch.AddRow();
                    batch.SetContext(row, plain.Start(world));
                    batch.SetAction(row, world);
                    WorldNoise.Fill(7, tick, batch.Noise(row));
                }
                model.Step(batch);
            }

            for (int row = 0; row < 3; row++)
            {
                Assert.Equal(Bits(unpooled.Frame(row)), Bits(pooled.Frame(row)));
            }
        }
        Assert.False(broken.PoolsContexts);
        (_, string message) = Assert.Single(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.Contains("context pool graph failed to run", message);
    }

    private sealed class World(int id, byte[] start, int frameBytes)
    {
        public int Id { get; } = id;
        public List<byte[]> Context { get; set; } = [.. start.Chunk(frameBytes)];
        public List<byte[]>? Saved { get; set; }
    }

    /// <summary>
    /// Worlds 0 and 1 start from the same start (the same context in two rows), world 3 joins at tick 10, world 0 rolls
    /// back to its tick-5 context at tick 15, the rows go in reverse order from tick 20, world 2 sits out ticks 25 and 26.
    /// </summary>
    /// <remarks>With <paramref name="cudaGraphs"/>, the pooled package steps from fixed bindings, as CUDA graphs do.</remarks>
    private void PlaySideBySide(string folder, BatchPadding padding, Precision precision = Precision.Float, bool cudaGraphs = false)
    {
        var logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        using ModelPackage plainPackage = ModelPackage.Load(folder, new InferenceOptions { ContextPooling = ContextPooling.Off, Precision = precision }, logger);
        using ModelPackage pooledPackage = ModelPackage.Load(folder,
            new InferenceOptions { ContextPooling = ContextPooling.On, BatchPadding = padding, Precision = precision, CudaGraphs = cudaGraphs }, logger);
        Assert.Equal((true, cudaGraphs, precision, precision),
            (pooledPackage.PoolsContexts, pooledPackage.ReplaysSteps, pooledPackage.Precision, plainPackage.Precision));
        using WorldModel plainModel = plainPackage.CreateWorldModel(), pooledModel = pooledPackage.CreateWorldModel();
        using StepBatch plain = plainModel.CreateBatch(4), pooled = pooledModel.CreateBatch(4);
        int frameBytes = plainPackage.Manifest.Frame.ValueCount, actions = plainPackage.Manifest.Actions.Count;
        var worlds = new[] { 0, 0, 1, 2 }.Select((start, id) => new World(id, plainPackage.Start(start % plainPackage.StartCount).ToArray(), frameBytes)).ToArray();
        var uploads = new List<int>();

        for (int tick = 0; tick < Ticks; tick++)
        {
            if (tick == 5)
            {
                worlds[0].Saved = [.. worlds[0].Context];
            }
            if (tick == 15)
            {
                worlds[0].Context = worlds[0].Saved!;
            }
            World[] due = [.. worlds.Where(w => (w.Id != 3 || tick >= 10) && (w.Id != 2 || tick is < 25 or > 26))];
            if (tick >= 20)
            {
                Array.Reverse(due);
            }
            plain.Clear();
            pooled.Clear();
            foreach (World world in due)
            {
                foreach (StepBatch batch in new[] { plain, pooled })
                {
                    int row = batch.AddRow();
                    batch.SetContext(row, world.Context);
                    batch.SetAction(row, (world.Id + tick) % actions);
                    WorldNoise.Fill((ulong)(100 + world.Id), tick, batch.Noise(row));
                    batch.SetMemory(row, world.Id % 2, world.Context[0], new RelativePose(0.5 * world.Id, 0, 0.1));
                    batch.SetViewPose(row, new Pose(world.Id + 0.25 * tick, 2.5, 0.1 * tick));  // read by tiny_view_pose only
                }
            }

            plainModel.Step(plain);
            pooledModel.Step(pooled);

            uploads.Add(pooled.UploadedContexts);
            for (int row = 0; row < due.Length; row++)
            {
                Assert.True(Bits(plain.Frame(row)).SequenceEqual(Bits(pooled.Frame(row))), $"tick {tick}: world {due[row].Id}'s frame differs");
                Assert.Equal(Bits(plain.PoseDelta(row)), Bits(pooled.PoseDelta(row)));
                var frame = new byte[frameBytes];
                FrameMath.ToRgb24(plain.Frame(row), frame);
                due[row].Context = [.. due[row].Context.Skip(1), frame];
            }
        }

        output.WriteLine($"uploads per tick: {string.Join(' ', uploads)}");
        int[] expected = [.. Enumerable.Range(0, Ticks).Select(tick => tick switch { 0 => 3, 10 or 15 => 1, _ => 0 })];
        Assert.Equal(expected, uploads);
    }

    private static uint[] Bits(ReadOnlySpan<float> values) => [.. values.ToArray().Select(BitConverter.SingleToUInt32Bits)];
}
