using System.Text.Json.Nodes;
using WorldWeb.Inference.Packages;

namespace WorldWeb.Tests.Inference;

/// <summary>The manifest's <c>press</c> and <c>changes_world</c> of an action (docs/model-format.md).</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class ActionManifestTests
{
    private const string Source = "pkg/world.json";

    private static readonly JsonObject Paint = new()
    {
        ["index"] = 4, ["name"] = "paint", ["keys"] = new JsonArray("KeyF", "Space"), ["press"] = true, ["changes_world"] = true,
    };

    private static JsonObject TinyManifest() =>
        JsonNode.Parse(File.ReadAllText(Fixtures.File("tiny", "world.json")))!.AsObject();

    private static ModelManifest Parse(Action<JsonObject> change)
    {
        JsonObject json = TinyManifest();
        change(json);
        return ModelManifest.Parse(json.ToJsonString(), Source);
    }

    private static string Refusal(Action<JsonObject> change) =>
        Assert.Throws<ModelPackageException>(() => Parse(change)).Message;

    [Fact]
    public void Parse_PressAndChangesWorld_AreRead()
    {
        ModelManifest manifest = Parse(j => j["actions"]!.AsArray().Add(Paint.DeepClone()));

        ActionSpec paint = manifest.Actions[4];
        Assert.Equal(new ActionSpec(4, "paint", paint.Keys, Press: true, ChangesWorld: true), paint);
        Assert.Equal(["KeyF", "Space"], paint.Keys);
        Assert.All(manifest.Actions.Take(4), a => Assert.False(a.Press || a.ChangesWorld));
    }

    [Fact]
    public void Parse_EachFieldAlone_IsIndependentOfTheOther()
    {
        ModelManifest manifest = Parse(j =>
        {
            j["actions"]![1]!["changes_world"] = true;  // a held action that changes the world at every step it is held
            j["actions"]![2]!["press"] = true;
        });

        Assert.Equal((false, true), (manifest.Actions[1].Press, manifest.Actions[1].ChangesWorld));
        Assert.Equal((true, false), (manifest.Actions[2].Press, manifest.Actions[2].ChangesWorld));
    }

    [Fact]
    public void Load_TheShippedModelWithoutTheFields_HasOnlyHeldActionsThatChangeNothing()
    {
        string folder = Fixtures.RepositoryRoot() is { } root ? Path.Combine(root, "models", "default") : Fixtures.Folder("tiny");

        ModelManifest manifest = ModelManifest.Load(Path.Combine(folder, ModelManifest.FileName));

        Assert.NotEmpty(manifest.Actions);
        Assert.All(manifest.Actions, a => Assert.False(a.Press || a.ChangesWorld, $"action {a.Name}"));
    }

    [Theory]
    [InlineData("press", "actions[0].press is true; action 0 is the noop a world falls back to, so it cannot be a press")]
    [InlineData("changes_world", "actions[0].changes_world is true; action 0 is the noop a world falls back to, so it cannot change the world")]
    public void Parse_TheNoopAsPressOrChange_IsRefused(string field, string expected)
    {
        string message = Refusal(j => j["actions"]![0]![field] = true);

        Assert.Equal($"{Source}: {expected}", message);
    }

    [Theory]
    [InlineData("\"yes\"")]
    [InlineData("1")]
    [InlineData("null")]
    public void Parse_PressThatIsNotABoolean_IsRefusedWithItsPath(string value)
    {
        string message = Refusal(j => j["actions"]![1]!["press"] = JsonNode.Parse(value));

        Assert.Contains("not a valid manifest", message);
        Assert.Contains("$.actions[1].press", message);
    }

    [Fact]
    public void Parse_AnUnknownMemberOfAnAction_IsIgnoredAsEverywhere()
    {
        ModelManifest manifest = Parse(j => j["actions"]![1]!["pressed"] = true);

        Assert.False(manifest.Actions[1].Press);
    }
}
