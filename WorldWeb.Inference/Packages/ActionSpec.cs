namespace WorldWeb.Inference.Packages;

/// <summary>A player action; <see cref="Keys"/> are browser <c>KeyboardEvent.code</c> values.</summary>
public sealed record ActionSpec(int Index, string Name, IReadOnlyList<string> Keys);
