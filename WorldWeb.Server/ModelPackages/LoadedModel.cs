using WorldWeb.Client.Contracts;
using WorldWeb.Inference.Packages;

namespace WorldWeb.Server.ModelPackages;

/// <summary>A model package the server serves, under the name worlds refer to it by.</summary>
public sealed class LoadedModel(ModelPackage package)
{
    public string Name => Package.Manifest.Name;

    public ModelPackage Package { get; } = package;

    public ModelManifest Manifest => Package.Manifest;

    public IReadOnlyList<ActionInfo> Actions { get; } =
        package.Manifest.Actions.Select(a => new ActionInfo(a.Index, a.Name, a.Keys.ToArray())).ToArray();

    public ModelInfo ToInfo(bool isDefault) => new(
        Name, Manifest.Version, Manifest.Description ?? "", Manifest.Frame.Width, Manifest.Frame.Height,
        Manifest.Fps, Manifest.ContextFrames, Manifest.MemorySlots, Actions, isDefault);
}
