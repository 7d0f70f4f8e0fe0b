using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Runtime;
using WorldWeb.ReferenceWorld.Shards;

namespace WorldWeb.Tests.Inference;

[Trait(Category.Name, Category.Unit)]
public sealed class ModelPackageTests
{
    [Fact]
    public void Load_ValidFixture_ExposesManifestStartsAndCpuProvider()
    {
        using ModelPackage package = Fixtures.Load("tiny");

        Assert.Equal("tiny", package.Manifest.Name);
        Assert.Equal(3, package.StartCount);
        Assert.Equal(ExecutionProviderKind.Cpu, package.ExecutionProvider);
    }

    [Theory]
    [InlineData("broken_input_name", "world.json maps input role 'context' to 'context' but model.onnx has no input named 'context'")]
    [InlineData("broken_dtype", "input 'action' has dtype int32 in model.onnx but world.json says int64")]
    [InlineData("broken_fixed_dim", "input 'context' has shape [?,3,3,8,8] in model.onnx but world.json says [batch,2,3,8,8]")]
    [InlineData("broken_static_batch", "input 'context' has shape [1,2,3,8,8] in model.onnx with a fixed batch dimension")]
    [InlineData("broken_output_name", "world.json maps output role 'pose_delta' to 'pose_delta' but model.onnx has no output named 'pose_delta'")]
    public void Load_GraphBreakingTheManifest_IsRefusedNamingTheMismatch(string fixture, string expected)
    {
        var ex = Assert.Throws<ModelPackageException>(() => Fixtures.Load(fixture));

        Assert.Equal(Fixtures.File(fixture, "model.onnx"), ex.FilePath);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Load_GraphInputThatNoRoleMaps_IsRefused()
    {
        // The manifest leaves out the memory roles (allowed since M = 0) but the graph still has those inputs.
        string folder = CopyFixture("tiny_empty_memory");
        string manifestPath = Path.Combine(folder, "world.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifestPath))!;
        json["inputs"]!.AsObject().Remove("memory");
        json["inputs"]!.AsObject().Remove("memory_pose");
        File.WriteAllText(manifestPath, json.ToJsonString());

        var ex = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(folder, new InferenceOptions(), NullLogger.Instance));

        Assert.Contains("model.onnx has input 'memory' that world.json maps to no role", ex.Message);
    }

    [Fact]
    public void Load_MissingFolder_NamesIt()
    {
        string folder = Fixtures.Folder("does_not_exist");

        var ex = Assert.Throws<ModelPackageException>(() => Fixtures.Load("does_not_exist"));

        Assert.Equal(folder, ex.FilePath);
    }

    [Theory]
    [InlineData("tiny", "starts.npy", "start states have shape [2,3,4] but world.json requires [N,2,8,8,3]")]
    [InlineData("tiny_view_pose", "start_poses.npy", "start poses are UInt8 [2,3,4] but must be float32 [3,3], one per start state")]
    public void Load_StartsOrStartPosesOfWrongShape_NamesTheirFile(string fixture, string file, string expected)
    {
        string folder = CopyFixture(fixture);
        File.Copy(Fixtures.File("npy", "uint8_v1.npy"), Path.Combine(folder, file), overwrite: true);

        var ex = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(folder, new InferenceOptions(), NullLogger.Instance));

        Assert.Equal(Path.Combine(folder, file), ex.FilePath);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Load_MissingGraph_NamesIt()
    {
        string folder = CopyFixture("tiny");
        File.Delete(Path.Combine(folder, "model.onnx"));

        var ex = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(folder, new InferenceOptions(), NullLogger.Instance));

        Assert.Equal(Path.Combine(folder, "model.onnx"), ex.FilePath);
    }

    [Fact]
    public void Load_InvalidOptions_ThrowsValidationException()
    {
        var options = new InferenceOptions { IntraOpThreads = -1 };

        Assert.Throws<ValidationException>(() => Fixtures.Load("tiny", options));
    }

    [Fact]
    public void Load_InvalidCudaOptions_ThrowsValidationException()
    {
        var options = new InferenceOptions { Cuda = new CudaOptions { ConvAlgoSearch = (ConvAlgoSearch)7 } };

        var error = Assert.Throws<ValidationException>(() => Fixtures.Load("tiny", options));
        Assert.Contains("ConvAlgoSearch", error.Message);
    }

    [Fact]
    public void CudaOptions_AreGivenToTheProviderUnderOnnxRuntimesNames()
    {
        var options = new CudaOptions { ConvAlgoSearch = ConvAlgoSearch.Heuristic, PreferNhwc = true, UseTf32 = false };

        Assert.Equal(new Dictionary<string, string>
        {
            ["device_id"] = "2", ["cudnn_conv_algo_search"] = "HEURISTIC", ["prefer_nhwc"] = "1", ["use_tf32"] = "0",
        }, options.ProviderOptions(2));
    }

    [Fact]
    public void Load_CudaRequestedWithoutCuda_WarnsAndRunsOnCpu()
    {
        var logger = new RecordingLogger();
        // With provider settings too: a CPU build refuses them as it refuses the provider, and the world still runs.
        var options = new InferenceOptions
        {
            ExecutionProvider = ExecutionProviderKind.Cuda, Cuda = new CudaOptions { ConvAlgoSearch = ConvAlgoSearch.Heuristic, PreferNhwc = true },
        };

        using ModelPackage package = ModelPackage.Load(Fixtures.Folder("tiny"), options, logger);

        Assert.Equal(ExecutionProviderKind.Cpu, package.ExecutionProvider);
        (LogLevel level, string message) = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("CUDA execution provider for device 0 is unavailable", message);
        using var model = package.CreateWorldModel();
        using var batch = model.CreateBatch(1);
        batch.AddRow();
        model.Step(batch);
    }

    [Fact]
    public void Load_HalfPrecision_RunsTheHalfGraph_OrSaysThePackageHasNoneAndRunsFloat32()
    {
        var logger = new RecordingLogger();
        var half = new InferenceOptions { Precision = Precision.Half };

        using ModelPackage with = ModelPackage.Load(Fixtures.Folder("tiny_pool"), half, logger);
        using ModelPackage without = ModelPackage.Load(Fixtures.Folder("tiny"), half, logger);

        Assert.Equal((Precision.Half, Precision.Float), (with.Precision, without.Precision));
        (_, string message) = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("precision Half was asked for, but the package has no graph in it (training/half.py adds one)", message);
        Assert.Contains(logger.Entries, e => e.Message.StartsWith("Loaded model package tiny_pool", StringComparison.Ordinal) && e.Message.Contains(", Half,"));
    }

    [Fact]
    public void Load_Int8OrAutoPrecisionWithoutAnInt8Graph_RunsFloat32_WarningOnlyWhenInt8WasAskedFor()
    {
        var logger = new RecordingLogger();

        using ModelPackage int8 = ModelPackage.Load(Fixtures.Folder("tiny"), new InferenceOptions { Precision = Precision.Int8 }, logger);
        using ModelPackage auto = ModelPackage.Load(Fixtures.Folder("tiny"), new InferenceOptions { Precision = Precision.Auto }, logger);

        Assert.Equal((Precision.Float, Precision.Float), (int8.Precision, auto.Precision));
        (_, string message) = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("precision Int8 was asked for, but the package has no graph in it (training/int8.py adds one)", message);
    }

    [Theory]
    [InlineData("half")]
    [InlineData("int8")]
    public void Manifest_PrecisionPoolGraphWithoutAFloatOne_IsRefused(string field)
    {
        string json = File.ReadAllText(Fixtures.File("tiny_pool", ModelManifest.FileName))
            .Replace("\"context_pool\": {", "\"unused\": {").Replace("\"half\":", $"\"{field}\":");

        var error = Assert.Throws<ModelPackageException>(() => ModelManifest.Parse(json, "world.json"));

        Assert.Contains($"{field}.context_pool is set but context_pool is not", error.Message);
    }

    [Fact]
    public void Load_CodebookTheSamplerNames_IsThePatchesOfItsFile()
    {
        string folder = WithCodebook(CopyFixture("tiny"), "codebook-tokens", patches: 3, values: 48);

        using ModelPackage package = ModelPackage.Load(folder, new InferenceOptions(), NullLogger.Instance);

        Assert.Equal((3, 4), (package.Codebook!.Count, package.Codebook.Patch));
        Assert.Equal(Enumerable.Range(48, 48).Select(i => i / 144f), package.Codebook.Of(1).ToArray());
    }

    [Theory]
    [InlineData("codebook-tokens", 47, "codebook.npy", "the codebook is Float32 [3,47] but world.json requires float32 [3,48]")]
    [InlineData("none", 48, "world.json", "sampler.codebook_file is set but sampler.kind is 'none'")]
    public void Load_CodebookNotAsTheSamplerSays_IsRefusedNamingTheFile(string kind, int values, string file, string expected)
    {
        string folder = WithCodebook(CopyFixture("tiny"), kind, patches: 3, values);

        var ex = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(folder, new InferenceOptions(), NullLogger.Instance));

        Assert.Equal(Path.Combine(folder, file), ex.FilePath);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Load_TokenPriorTheSamplerNames_IsTheScoresOfItsFile()
    {
        string folder = WithTokenPrior(WithCodebook(CopyFixture("tiny"), "codebook-tokens", patches: 3, values: 48), 2, 4, 3);

        using ModelPackage package = ModelPackage.Load(folder, new InferenceOptions(), NullLogger.Instance);

        // Scores are i - 20 in file order: table 0 row 1 holds 3..5, table 1 row K (no patch to the left) 21..23.
        Assert.Equal([-17, -16, -15], package.TokenPrior!.Below(1).ToArray());
        Assert.Equal([1, 2, 3], package.TokenPrior.RightOf(3).ToArray());
    }

    [Theory]
    [InlineData(true, "the token prior is Int16 [2,3,3] but a codebook of 3 patches needs int16 [2,4,3]")]
    [InlineData(false, "sampler.token_prior_file is set but sampler.codebook_file is not")]
    public void Load_TokenPriorNotOfTheCodebook_IsRefused(bool withCodebook, string expected)
    {
        string folder = WithCodebook(CopyFixture("tiny"), "codebook-tokens", patches: 3, values: 48);
        if (!withCodebook)
        {
            string manifest = Path.Combine(folder, ModelManifest.FileName);
            JsonNode json = JsonNode.Parse(File.ReadAllText(manifest))!;
            json["sampler"]!.AsObject().Remove("codebook_file");
            File.WriteAllText(manifest, json.ToJsonString());
        }
        WithTokenPrior(folder, 2, 3, 3);

        var ex = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(folder, new InferenceOptions(), NullLogger.Instance));

        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Start_IsTheStartStatesRowOfKRgbFrames()
    {
        using ModelPackage package = Fixtures.Load("tiny");

        ReadOnlySpan<byte> start = package.Start(2);

        // make_fixture_models.py: value = (37n + 11k + 5y + 3x + 50c) mod 256, HWC
        Assert.Equal(2 * 8 * 8 * 3, start.Length);
        for (int k = 0; k < 2; k++)
        {
            for (int y = 0; y < 8; y++)
            {
                for (int x = 0; x < 8; x++)
                {
                    for (int c = 0; c < 3; c++)
                    {
                        Assert.Equal((37 * 2 + 11 * k + 5 * y + 3 * x + 50 * c) % 256, start[((k * 8 + y) * 8 + x) * 3 + c]);
                    }
                }
            }
        }
    }

    [Fact]
    public void Start_BadIndex_Throws()
    {
        using ModelPackage package = Fixtures.Load("tiny");

        Assert.Throws<ArgumentOutOfRangeException>(() => package.Start(3).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => package.Start(-1).Length);
    }

    /// <summary>The package with a sampler of <paramref name="kind"/> naming codebook.npy: float32 [patches, values] of 4×4 patches, value i = i / 144.</summary>
    private static string WithCodebook(string folder, string kind, int patches, int values)
    {
        string manifest = Path.Combine(folder, ModelManifest.FileName);
        JsonNode json = JsonNode.Parse(File.ReadAllText(manifest))!;
        json["sampler"] = new JsonObject { ["kind"] = kind, ["steps"] = 1, ["codebook"] = patches, ["patch"] = 4, ["codebook_file"] = "codebook.npy" };
        File.WriteAllText(manifest, json.ToJsonString());
        string header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({patches}, {values}), }}";
        header = header.PadRight(128 - 10 - 1) + "\n";  // the data starts 64-byte aligned, as numpy writes it
        using var npy = new BinaryWriter(File.Create(Path.Combine(folder, "codebook.npy")));
        npy.Write([0x93, .. "NUMPY"u8, 1, 0]);
        npy.Write((ushort)header.Length);
        npy.Write(System.Text.Encoding.ASCII.GetBytes(header));
        for (int i = 0; i < patches * values; i++)
        {
            npy.Write(i / 144f);
        }
        return folder;
    }

    /// <summary>The package's sampler naming token_prior.npy: int16 of <paramref name="shape"/>, value i = i - 20.</summary>
    private static string WithTokenPrior(string folder, params int[] shape)
    {
        string manifest = Path.Combine(folder, ModelManifest.FileName);
        JsonNode json = JsonNode.Parse(File.ReadAllText(manifest))!;
        json["sampler"]!["token_prior_file"] = "token_prior.npy";
        File.WriteAllText(manifest, json.ToJsonString());
        short[] scores = [.. Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(i => (short)(i - 20))];
        NpyWriter.Write<short>(Path.Combine(folder, "token_prior.npy"), scores, shape);
        return folder;
    }

    private static string CopyFixture(string name)
    {
        string folder = Path.Combine(Path.GetTempPath(), "worldweb-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        foreach (string file in Directory.GetFiles(Fixtures.Folder(name)))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
        return folder;
    }
}
