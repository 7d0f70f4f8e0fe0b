using Microsoft.Extensions.Logging.Abstractions;
using WorldWeb.Inference.Noise;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Runtime;
using WorldWeb.Inference.Stepping;
using Xunit.Abstractions;

namespace WorldWeb.Tests.Inference;

/// <summary>
/// Runs the real model package: models/default in the repository, or the folder in WORLDWEB_TEST_MODEL.
/// xunit 2.9 cannot skip at run time, so without a package the test passes after saying so in its output.
/// </summary>
public sealed class DefaultModelTests(ITestOutputHelper output)
{
    public const string ModelVariable = "WORLDWEB_TEST_MODEL";

    private static string? PackageFolder()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(ModelVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }
        string? root = Fixtures.RepositoryRoot();
        string? folder = root is null ? null : Path.Combine(root, "models", "default");
        return folder is not null && File.Exists(Path.Combine(folder, ModelManifest.FileName)) ? folder : null;
    }

    [Fact]
    public void Step_SameSeedsAndActionsTwice_GivesIdenticalFramesInZeroToOne()
    {
        string? folder = PackageFolder();
        if (folder is null)
        {
            output.WriteLine($"SKIPPED: no models/default/world.json in the repository and {ModelVariable} is not set.");
            return;
        }

        using ModelPackage package = ModelPackage.Load(folder, new InferenceOptions(), NullLogger.Instance);
        using WorldModel model = package.CreateWorldModel();
        using StepBatch batch = model.CreateBatch(4);
        float[][] first = StepFourWorlds(package, model, batch);
        float[][] second = StepFourWorlds(package, model, batch);

        output.WriteLine($"{package.Manifest.Name} {package.Manifest.Version} from {folder}: {first[0].Length} floats per frame");
        for (int row = 0; row < 4; row++)
        {
            Assert.Equal(first[row], second[row]);
            Assert.All(first[row], v => Assert.InRange(v, 0f, 1f));
        }
    }

    private static float[][] StepFourWorlds(ModelPackage package, WorldModel model, StepBatch batch)
    {
        int actions = package.Manifest.Actions.Count;
        batch.Clear();
        for (int world = 0; world < 4; world++)
        {
            int row = batch.AddRow();
            package.CopyStart(world % package.StartCount, batch.Context(row));
            batch.SetAction(row, (world + 1) % actions);
            WorldNoise.Fill((ulong)(world + 1), 1, batch.Noise(row));
        }
        model.Step(batch);
        return Enumerable.Range(0, 4).Select(row => batch.Frame(row).ToArray()).ToArray();
    }
}
