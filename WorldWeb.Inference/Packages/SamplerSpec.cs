namespace WorldWeb.Inference.Packages;

/// <summary>
/// Which sampler the exporter unrolled inside the graph. A <c>codebook-tokens</c> sampler also says how many patches
/// its codebook holds, their side, and (optionally) the file holding them (<see cref="PatchCodebook"/>), with which
/// the server stores memory frames as tokens, and the file of their <see cref="TokenPrior"/>, with which it entropy-codes them.
/// </summary>
public sealed record SamplerSpec(string Kind, int Steps, int? Codebook = null, int? Patch = null, string? CodebookFile = null, string? TokenPriorFile = null)
{
    public const string CodebookTokens = "codebook-tokens";
}
