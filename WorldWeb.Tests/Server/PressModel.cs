using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Runtime;
using WorldWeb.Tests.Inference;

namespace WorldWeb.Tests.Server;

/// <summary>
/// The tiny fixture package with a fifth action, paint (KeyF, Space), a press that changes the world, copied into a
/// folder of its own. The fixture's graph takes the action as a number (its frame and pose move with it), not as an
/// index into an embedding, so index 4 steps like the others; the shipped model's could not take an eighth action.
/// </summary>
internal sealed class PressModel : IDisposable
{
    public const int Noop = 0, Forward = 1, TurnLeft = 2, Paint = 4;

    /// <param name="parent">Where the copy goes (the server's model root, for a model an admin loads); a temp folder by default.</param>
    public PressModel(string? parent = null)
    {
        Name = $"press-{Guid.NewGuid():N}"[..14];
        Folder = Path.Combine(parent ?? Path.GetTempPath(), Name);
        Directory.CreateDirectory(Folder);
        foreach (string file in Directory.GetFiles(Fixtures.Folder("tiny")))
        {
            File.Copy(file, Path.Combine(Folder, Path.GetFileName(file)));
        }
        string manifest = Path.Combine(Folder, ModelManifest.FileName);
        JsonObject json = JsonNode.Parse(File.ReadAllText(manifest))!.AsObject();
        json["name"] = Name;
        json["actions"]!.AsArray().Add(new JsonObject
        {
            ["index"] = Paint, ["name"] = "paint", ["keys"] = new JsonArray("KeyF", "Space"), ["press"] = true, ["changes_world"] = true,
        });
        File.WriteAllText(manifest, json.ToJsonString());
    }

    public string Name { get; }

    public string Folder { get; }

    public ModelPackage Load() => ModelPackage.Load(Folder, new InferenceOptions { IntraOpThreads = 1 }, NullLogger.Instance);

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
