namespace WorldWeb.Client.Contracts;

/// <summary><c>GET</c>/<c>PUT /api/worlds/{id}/actions</c>: the action indexes players may not send in this world (never 0, the noop).</summary>
public sealed record ActionMask(IReadOnlyList<int>? Disabled);
