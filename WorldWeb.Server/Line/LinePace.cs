namespace WorldWeb.Server.Line;

/// <summary>
/// How fast a line moves: the times of its last admissions. The estimate for position p is p gaps between recent
/// admissions; with fewer than two in the last <see cref="Window"/> there is nothing to go by, and it says so (null)
/// rather than guess.
/// </summary>
internal sealed class LinePace
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private const int Remembered = 16;

    private readonly Queue<DateTimeOffset> _admitted = new();

    public void Admitted(DateTimeOffset at)
    {
        _admitted.Enqueue(at);
        if (_admitted.Count > Remembered)
        {
            _admitted.Dequeue();
        }
    }

    /// <summary>About how many seconds until position <paramref name="position"/>'s turn; null when unknown.</summary>
    public int? SecondsUntil(int position, DateTimeOffset now)
    {
        while (_admitted.Count > 0 && _admitted.Peek() < now - Window)
        {
            _admitted.Dequeue();
        }
        if (_admitted.Count < 2)
        {
            return null;
        }
        double gap = (_admitted.Last() - _admitted.Peek()).TotalSeconds / (_admitted.Count - 1);
        return (int)Math.Ceiling(position * gap);
    }
}
