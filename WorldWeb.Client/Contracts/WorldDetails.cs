namespace WorldWeb.Client.Contracts;

/// <summary>
/// <c>GET /api/worlds/{id}</c>. <c>ActualFps</c> is measured over the last seconds while the world is live;
/// <c>ForkedFrom</c> names the save a fork started from. <c>Coherence</c> is the live world's memory and revisit
/// score (null when the world is not live). <c>PublicPlay</c>: anyone may play this public world, not only watch it.
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
    DateTimeOffset UpdatedAt,
    bool Memory = true,
    WorldCoherenceInfo? Coherence = null,
    string? Node = null,
    bool PublicPlay = false);

/// <summary>
/// Memory entries and stored bytes the world holds; revisits (steps that came back within 0.3 cells and 15° of a
/// memory at least 60 steps old) and their mean and latest PSNR against it, in dB; rollbacks the coherence guard made.
/// </summary>
public sealed record WorldCoherenceInfo(int MemoryEntries, long MemoryBytes, int Revisits, double? RevisitPsnr, double? LastRevisitPsnr, int Rollbacks);
