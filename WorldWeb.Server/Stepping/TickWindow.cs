namespace WorldWeb.Server.Stepping;

/// <summary>The last ticks of a scheduler (step time and batch size), for the admin dashboard's percentiles.</summary>
public sealed class TickWindow(int capacity = 1200)
{
    private readonly (double StepMs, int Rows)[] _ticks = new (double, int)[capacity];
    private readonly Lock _gate = new();
    private int _next, _count;

    public void Add(double stepMs, int rows)
    {
        lock (_gate)
        {
            _ticks[_next] = (stepMs, rows);
            _next = (_next + 1) % _ticks.Length;
            _count = Math.Min(_count + 1, _ticks.Length);
        }
    }

    /// <summary>Median and 99th percentile step time (ms) and mean rows per batched run over the window; zeros when empty.</summary>
    public (double P50, double P99, double MeanRows) Summary()
    {
        (double StepMs, int Rows)[] ticks;
        lock (_gate)
        {
            ticks = _ticks[.._count];
        }
        if (ticks.Length == 0)
        {
            return (0, 0, 0);
        }
        double[] sorted = ticks.Select(t => t.StepMs).Order().ToArray();
        return (Percentile(sorted, 0.50), Percentile(sorted, 0.99), ticks.Average(t => t.Rows));
    }

    private static double Percentile(double[] sorted, double p) => sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(p * sorted.Length) - 1)];
}
