using WorldWeb.Inference.Packages;
using WorldWeb.Memory;

namespace WorldWeb.Tools.Cli;

/// <summary>
/// <c>--memory-format auto|jpeg|png|tokens</c> and <c>--memory-quality Q</c> (of JPEG): how a tool's memories store
/// frames, as <c>Memory:FrameFormat</c> and <c>Memory:FrameQuality</c> set the server's.
/// </summary>
public static class MemoryFormatArgs
{
    /// <summary><paramref name="policy"/> (default: the server's defaults) with the format and quality asked for.</summary>
    public static MemoryPolicy Read(CommandArgs args, MemoryPolicy? policy = null)
    {
        policy ??= new MemoryPolicy();
        var format = args.Text("memory-format") ?? "auto";
        if (!Enum.TryParse(format, ignoreCase: true, out MemoryFrameFormat parsed) || !Enum.IsDefined(parsed) || format.All(char.IsDigit))
            throw new UsageException("--memory-format is auto, jpeg, png or tokens.");
        policy.FrameFormat = parsed;
        policy.FrameQuality = args.Int("memory-quality", policy.FrameQuality);
        if (policy.FrameQuality is < 10 or > 100) throw new UsageException("--memory-quality is a JPEG quality, 10 to 100.");
        // How sparse the write policy is (Memory:NoveltyCells, Memory:NoveltyDegrees): what bytes per minute trade against.
        policy.NoveltyCells = args.Double("memory-novelty-cells", policy.NoveltyCells);
        if (policy.NoveltyCells is < 0.05 or > 100) throw new UsageException("--memory-novelty-cells is 0.05 to 100 cells.");
        policy.NoveltyDegrees = args.Double("memory-novelty-degrees", policy.NoveltyDegrees);
        if (policy.NoveltyDegrees is < 1 or > 180) throw new UsageException("--memory-novelty-degrees is 1 to 180 degrees.");
        policy.FrameDifference = args.Double("memory-frame-difference", policy.FrameDifference);
        return policy;
    }

    /// <summary>The memory frame codec of <paramref name="policy"/> for <paramref name="package"/>'s frames and codebook.</summary>
    public static MemoryFrameCodec Frames(MemoryPolicy policy, ModelPackage package)
    {
        try
        {
            var (width, height) = (package.Manifest.Frame.Width, package.Manifest.Frame.Height);
            return MemoryFrameCodec.For(policy, width, height, package.Codebook is { } codebook ? new TokenFrameCodec(codebook, width, height, package.TokenPrior) : null);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--memory-format {policy.FrameFormat.ToString().ToLowerInvariant()}: {e.Message}");
        }
    }
}
