using System.Diagnostics;

namespace WorldWeb.Server.Worlds;

/// <summary>Frames per second over the last <see cref="Window"/>, from the times frames were made.</summary>
public sealed class FrameRateMeter
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(3);
    private readonly Queue<long> _ticks = new();
    private readonly Lock _gate = new();

    public void Mark()
    {
        long now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            _ticks.Enqueue(now);
            Trim(now);
        }
    }

    public double FramesPerSecond
    {
        get
        {
            lock (_gate)
            {
                Trim(Stopwatch.GetTimestamp());
                if (_ticks.Count < 2)
                {
                    return 0;
                }
                double seconds = Stopwatch.GetElapsedTime(_ticks.Peek(), _ticks.Last()).TotalSeconds;
                return seconds > 0 ? (_ticks.Count - 1) / seconds : 0;
            }
        }
    }

    private void Trim(long now)
    {
        while (_ticks.Count > 0 && Stopwatch.GetElapsedTime(_ticks.Peek(), now) > Window)
        {
            _ticks.Dequeue();
        }
    }
}
