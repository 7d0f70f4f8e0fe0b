namespace WorldWeb.Client.Contracts;

/// <summary>
/// A row of <c>GET /api/admin/sessions</c>: a live world. Step time (ms) and batch size are its model's, over
/// the scheduler's recent ticks; <c>Coherence</c> is the world's memory size, revisit score and guard rollbacks,
/// as <c>GET /api/worlds/{id}</c> shows them.
/// </summary>
public sealed record LiveSessionInfo(
    string WorldId,
    string Title,
    string Model,
    string OwnerId,
    int Viewers,
    double TargetFps,
    double ActualFps,
    long Step,
    double StepMsP50,
    double StepMsP99,
    double BatchSize,
    WorldCoherenceInfo Coherence);

/// <summary>A row of <c>GET /api/admin/worlds?q=</c>.</summary>
public sealed record AdminWorldInfo(
    string Id, string Title, string Model, string OwnerId, bool IsPublic, bool IsLive, long Step, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A row of <c>GET /api/admin/audit</c>, newest first.</summary>
public sealed record AuditEntryInfo(long Id, DateTimeOffset At, string ActorId, string? ActorEmail, string Action, string? Target, string? Detail);

/// <summary>
/// <c>GET /api/admin/system</c>: this server process and its database; <c>Inference</c> how each loaded model runs (the
/// provider that actually runs it, its precision, where contexts are kept); <c>Gpu</c> as nvidia-smi reports it, null without one.
/// </summary>
public sealed record SystemInfo(
    int ProcessorCount, double ProcessCpuPercent, long WorkingSetBytes, long ManagedHeapBytes, long DatabaseBytes, int LiveWorlds, string Inference,
    string? Gpu = null);

/// <summary><c>POST /api/admin/models</c>: a package folder, relative to the server's model root (Models:Root) or absolute under it.</summary>
public sealed record LoadModelRequest(string Folder);
