using System.Diagnostics;

namespace WorldWeb.Server.Admin;

/// <summary>This process's CPU use since the previous call, as a percentage of all cores.</summary>
public sealed class ProcessCpu
{
    private readonly Lock _gate = new();
    private TimeSpan _lastCpu = Process.GetCurrentProcess().TotalProcessorTime;
    private long _lastAt = Stopwatch.GetTimestamp();

    public double Percent()
    {
        lock (_gate)
        {
            TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
            double wallMs = Stopwatch.GetElapsedTime(_lastAt).TotalMilliseconds;
            double percent = wallMs <= 0 ? 0 : 100 * (cpu - _lastCpu).TotalMilliseconds / wallMs / Environment.ProcessorCount;
            (_lastCpu, _lastAt) = (cpu, Stopwatch.GetTimestamp());
            return percent;
        }
    }
}
