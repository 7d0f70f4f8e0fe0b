namespace WorldWeb.Client.Contracts;

/// <summary>
/// <c>GET /api/worlds/{id}</c>. <c>ActualFps</c> is measured over the last seconds while the world is live;
/// <c>ForkedFrom</c> names the save a fork started from.
/// </summary>
public sealed record WorldDetails(
    string Id,
    string Title,
    string Model,
    long Seed,
    long Step,
    string Role,
    bool IsPublic,
    bool IsLive,
    int Viewers,
    double TargetFps,
    double ActualFps,
    string? ForkedFrom,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
