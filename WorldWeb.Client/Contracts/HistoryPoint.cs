namespace WorldWeb.Client.Contracts;

/// <summary>A row of <c>GET /api/admin/history</c>: one model's mean actual fps over its watched worlds and its step time, sampled every 2 s.</summary>
public sealed record HistoryPoint(DateTimeOffset At, string Model, int Worlds, double MeanFps, double TargetFps, double StepMsP50, double StepMsP99);
