namespace WorldWeb.Client.Contracts;

/// <summary>Body of <c>POST /api/worlds/{id}/saves</c>.</summary>
public sealed record CreateSaveRequest(string? Name);

/// <summary>A save of a world; <c>Bytes</c> is its compressed size in the database.</summary>
public sealed record SaveInfo(string Id, string Name, long Step, int Bytes, DateTimeOffset CreatedAt);

/// <summary>Body of <c>POST /api/worlds/{id}/fork</c>.</summary>
public sealed record ForkRequest(string? SaveId);
