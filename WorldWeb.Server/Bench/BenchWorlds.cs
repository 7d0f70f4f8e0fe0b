using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Bench;

/// <summary>
/// The benchmark's worlds, each with at most one in-memory viewer that counts the frames it receives, and a
/// player who holds a key and changes it every half second (as a player walking about does).
/// </summary>
internal sealed class BenchWorlds(LoadedModel model) : IDisposable
{
    private readonly List<WorldSession> _sessions = [];
    private readonly List<(FrameViewer Viewer, Task Reading)?> _viewers = [];
    private readonly CancellationTokenSource _stop = new();
    private long[] _frames = [];
    private Task? _player;

    public LoadedModel Model { get; } = model;

    public IReadOnlyList<WorldSession> Sessions => _sessions;

    public void Add(WorldSession session)
    {
        _sessions.Add(session);
        _viewers.Add(null);
        _frames = new long[_sessions.Count];
    }

    /// <summary>Watches the first <paramref name="count"/> worlds, and no others (unwatched worlds are not stepped).</summary>
    public void Watch(int count)
    {
        _player ??= Task.Run(() => PlayAsync(_stop.Token));
        for (int i = 0; i < _sessions.Count; i++)
        {
            if (i < count && _viewers[i] is null)
            {
                FrameViewer viewer = _sessions[i].AddViewer() ?? throw new InvalidOperationException($"world {_sessions[i].Id} closed during the benchmark");
                int world = i;
                _viewers[i] = (viewer, Task.Run(async () =>
                {
                    await foreach (var _ in viewer.Reader.ReadAllAsync())
                    {
                        Interlocked.Increment(ref _frames[world]);
                    }
                }));
            }
            else if (i >= count && _viewers[i] is { } watching)
            {
                _sessions[i].RemoveViewer(watching.Viewer);
                _viewers[i] = null;
            }
        }
    }

    /// <summary>Frames each of the first <paramref name="count"/> worlds' viewers received since the last call, and sets the counts to zero.</summary>
    public long[] TakeFrameCounts(int count) => Enumerable.Range(0, count).Select(i => Interlocked.Exchange(ref _frames[i], 0)).ToArray();

    private async Task PlayAsync(CancellationToken cancellationToken)
    {
        var random = new Random(7);
        int actions = Model.Manifest.Actions.Count;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        long seq = 0;
        try
        {
            do
            {
                seq++;
                foreach (WorldSession session in _sessions)
                {
                    session.SubmitAction(random.Next(actions), seq, "bench");
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        Watch(0);
        _stop.Cancel();
        _player?.Wait();
        _stop.Dispose();
    }
}
