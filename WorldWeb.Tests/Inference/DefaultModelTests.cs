using Microsoft.Extensions.Logging.Abstractions;
using WorldWeb.Inference.Noise;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Runtime;
using WorldWeb.Inference.Stepping;
using Xunit.Abstractions;

namespace WorldWeb.Tests.Inference;

/// <summary>
/// Runs the real model packages: models/default in the repository, and the folder in WORLDWEB_TEST_MODEL
/// (./worldweb test sets it to the package its tiny training run exported, so CI always has one).
/// xunit 2.9 cannot skip at run time, so without any package the test passes after saying so in its output.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class DefaultModelTests(ITestOutputHelper output)
{
    public const string ModelVariable = "WORLDWEB_TEST_MODEL";

    public static TheoryData<string> Packages()
    {
        var folders = new TheoryData<string>();
        string? fromEnvironment = Environment.GetEnvironmentVariable(ModelVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            folders.Add(fromEnvironment);
        }
        string? root = Fixtures.RepositoryRoot();
        string? folder = root is null ? null : Path.Combine(root, "models", "default");
        if (folder is not null && File.Exists(Path.Combine(folder, ModelManifest.FileName)))
        {
            folders.Add(folder);
        }
        if (folders.Count == 0)
        {
            folders.Add("");
        }
        return folders;
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Step_SameSeedsAndActionsTwice_GivesIdenticalFramesInZeroToOne(string folder)
    {
        if (folder.Length == 0)
        {
            output.WriteLine($"SKIPPED: no models/default/world.json in the repository and {ModelVariable} is not set.");
            return;
        }

        using ModelPackage package = ModelPackage.Load(folder, new InferenceOptions(), NullLogger.Instance);
        using WorldModel model = package.CreateWorldModel();
        using StepBatch batch = model.CreateBatch(4);
        float[][] first = StepWorlds(package, model, batch, 4);
        float[][] second = StepWorlds(package, model, batch, 4);

        output.WriteLine($"{package.Manifest.Name} {package.Manifest.Version} from {folder}: {first[0].Length} floats per frame");
        for (int row = 0; row < 4; row++)
        {
            Assert.Equal(first[row], second[row]);
            Assert.All(first[row], v => Assert.InRange(v, 0f, 1f));
        }
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Step_WorldAloneOrWithBatchMates_GivesBitIdenticalFrames(string folder)
    {
        if (folder.Length == 0)
        {
            output.WriteLine($"SKIPPED: no models/default/world.json in the repository and {ModelVariable} is not set.");
            return;
        }

        using ModelPackage package = ModelPackage.Load(folder, new InferenceOptions(), NullLogger.Instance);
        using WorldModel model = package.CreateWorldModel();
        using StepBatch together = model.CreateBatch(8);
        using StepBatch alone = model.CreateBatch(1);
        float[][] batched = StepWorlds(package, model, together, 8);
        float[][] single = StepWorlds(package, model, alone, 1);
        Assert.Equal(single[0], batched[0]);
    }

    /// <summary>The shipped package lives in git, so every version of it stays in every clone: issue 1 set it at ~20 MB.
    /// training/export.py only warns past that, since a package served from elsewhere may be larger.</summary>
    [Fact]
    public void ShippedPackage_FitsTheRepositorysLimit()
    {
        string? root = Fixtures.RepositoryRoot();
        Assert.NotNull(root);
        long bytes = new DirectoryInfo(Path.Combine(root, "models", "default")).EnumerateFiles().Sum(f => f.Length);
        Assert.True(bytes <= ShippedPackageLimitBytes,
            $"models/default is {bytes / 1048576.0:0.0} MiB, over the {ShippedPackageLimitBytes / 1048576} MiB a package in the repository may take");
    }

    public const long ShippedPackageLimitBytes = 20L * 1024 * 1024;

    private static float[][] StepWorlds(ModelPackage package, WorldModel model, StepBatch batch, int worlds)
    {
        int actions = package.Manifest.Actions.Count;
        batch.Clear();
        for (int world = 0; world < worlds; world++)
        {
            int row = batch.AddRow();
            batch.SetContext(row, package.Start(world % package.StartCount));
            batch.SetAction(row, (world + 1) % actions);
            WorldNoise.Fill((ulong)(world + 1), 1, batch.Noise(row));
        }
        model.Step(batch);
        return Enumerable.Range(0, worlds).Select(row => batch.Frame(row).ToArray()).ToArray();
    }
}
