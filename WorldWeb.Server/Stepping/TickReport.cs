using System.Diagnostics;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Stepping;

/// <summary>One log line every <see cref="ReportEvery"/> with a model's mean batch size, step and tick times, and fps.</summary>
internal sealed partial class TickReport(ILogger logger, string model, TimeSpan period, int targetFps)
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(10);

    private long _since = Stopwatch.GetTimestamp();
    private int _ticks;
    private double _worlds, _stepMs, _tickMs;

    public void Add(WorldSession[] due, double stepMs, double tickMs)
    {
        _ticks++;
        (_worlds, _stepMs, _tickMs) = (_worlds + due.Length, _stepMs + stepMs, _tickMs + tickMs);
        if (Stopwatch.GetElapsedTime(_since) < ReportEvery)
        {
            return;
        }
        LogTicks(logger, model, _ticks, _worlds / _ticks, _stepMs / _ticks, _tickMs / _ticks, period.TotalMilliseconds,
            due.Length == 0 ? 0 : due.Average(s => s.ActualFps), targetFps);
        (_since, _ticks, _worlds, _stepMs, _tickMs) = (Stopwatch.GetTimestamp(), 0, 0, 0, 0);
    }

    [LoggerMessage(Level = LogLevel.Information, Message =
        "Model {Model}: {Ticks} ticks, {Worlds:F1} worlds per batched run, step {StepMs:F1} ms, tick {TickMs:F1} ms of {PeriodMs:F0} ms, actual {ActualFps:F1} of {TargetFps} fps per world")]
    private static partial void LogTicks(ILogger logger, string model, int ticks, double worlds, double stepMs, double tickMs, double periodMs, double actualFps, int targetFps);
}
