namespace WorldWeb.Inference.Packages;

/// <summary>Which sampler the exporter unrolled inside the graph; informational only.</summary>
public sealed record SamplerSpec(string Kind, int Steps);
