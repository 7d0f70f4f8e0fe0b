namespace WorldWeb.Client.Contracts;

/// <summary>A row of <c>GET /api/models</c>: a loaded model package.</summary>
public sealed record ModelInfo(
    string Name,
    string Version,
    string Description,
    int Width,
    int Height,
    double Fps,
    int ContextFrames,
    int MemorySlots,
    IReadOnlyList<ActionInfo> Actions,
    bool IsDefault);
