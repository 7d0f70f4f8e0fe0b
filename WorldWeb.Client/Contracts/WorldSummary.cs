namespace WorldWeb.Client.Contracts;

/// <summary>A row of <c>GET /api/worlds</c>.</summary>
public sealed record WorldSummary(
    string Id,
    string Title,
    string Model,
    long Step,
    string Role,
    bool IsPublic,
    bool IsLive,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
