using WorldWeb.Client.Contracts;
using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Runtime;
using WorldWeb.Memory;

namespace WorldWeb.Server.ModelPackages;

/// <summary>A model package the server serves, under the name worlds refer to it by.</summary>
public sealed class LoadedModel(ModelPackage package)
{
    public string Name => Package.Manifest.Name;

    public ModelPackage Package { get; } = package;

    public ModelManifest Manifest => Package.Manifest;

    /// <summary>Frames as its codebook's tokens, where its package carries the codebook: how saves store its frames.</summary>
    public TokenFrameCodec? Tokens { get; } = package.Codebook is { } codebook
        ? new TokenFrameCodec(codebook, package.Manifest.Frame.Width, package.Manifest.Frame.Height, package.TokenPrior) : null;

    /// <summary>How its worlds store memory frames under <paramref name="policy"/> (Memory:FrameFormat), for every world and clip of it alike.</summary>
    /// <exception cref="InvalidOperationException">The format cannot be kept with this model (tokens without a codebook); the message says so.</exception>
    public MemoryFrameCodec MemoryFrames(MemoryPolicy policy)
    {
        try
        {
            return MemoryFrameCodec.For(policy, Manifest.Frame.Width, Manifest.Frame.Height, Tokens);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"Memory:FrameFormat cannot be kept with the model '{Name}': {ex.Message}", ex);
        }
    }

    public IReadOnlyList<ActionInfo> Actions { get; } =
        package.Manifest.Actions.Select(a => new ActionInfo(a.Index, a.Name, a.Keys.ToArray(), a.Press, a.ChangesWorld)).ToArray();

    /// <summary>
    /// Where a logged run of actions (a byte a step) first holds an action this model does not have, or -1: a log
    /// another model of this name wrote (one with more actions), or a crafted row, which a replay must not reach.
    /// </summary>
    public int IndexOfUnknownAction(ReadOnlySpan<byte> logged) =>
        Actions.Count > byte.MaxValue ? -1 : logged.IndexOfAnyInRange((byte)Actions.Count, byte.MaxValue);

    /// <summary>
    /// How it runs, in words: the provider actually running it (CPU where CUDA was asked for but could not load),
    /// its precision and where contexts are kept. What an operator checks first when a GPU server is slow.
    /// </summary>
    public string RunsOn => string.Join(", ",
        new[] { Package.ExecutionProvider.ToString(), Package.Precision switch { Precision.Half => "half precision", Precision.Int8 => "int8", _ => null },
            Package.PoolsContexts ? $"contexts {Package.Contexts}" : null }.OfType<string>());

    public ModelInfo ToInfo(bool isDefault) => new(
        Name, Manifest.Version, Manifest.Description ?? "", Manifest.Frame.Width, Manifest.Frame.Height,
        Manifest.Fps, Manifest.ContextFrames, Manifest.MemorySlots, Actions, isDefault);
}
