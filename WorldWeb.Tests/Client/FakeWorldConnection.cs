using System.Runtime.CompilerServices;
using System.Threading.Channels;
using WorldWeb.Client.Contracts;
using WorldWeb.Client.Play;

namespace WorldWeb.Tests.Client;

/// <summary>The world hub as the play page sees it: a join answer, a frame channel the test writes, recorded actions.</summary>
public sealed class FakeWorldConnection : IWorldConnection, IWorldConnectionFactory
{
    private Channel<FrameMessage> frames = Channel.CreateUnbounded<FrameMessage>();

    public Func<string, WorldInfo> Join { get; set; } = worldRef => throw new WorldJoinException($"No world '{worldRef}'.");

    public List<string> Joined { get; } = [];

    public List<(string WorldId, int Action, long Seq)> Actions { get; } = [];

    public IWorldConnection Create() => this;

    public Task<WorldInfo> JoinAsync(string worldRef, CancellationToken ct)
    {
        Joined.Add(worldRef);
        return Task.FromResult(Join(worldRef));
    }

    /// <summary>The places the fake hub gives out to a caller waiting in line (<see cref="Place"/>).</summary>
    private readonly Channel<LinePlace> line = Channel.CreateUnbounded<LinePlace>();

    private volatile bool leftLine;

    /// <summary>Whether the page stopped waiting in line (it left) before it was admitted; set on the thread that ended the wait.</summary>
    public bool LeftLine => leftLine;

    public void Place(LinePlace place) => line.Writer.TryWrite(place);

    public async IAsyncEnumerable<LinePlace> WaitInLineAsync(string worldRef, [EnumeratorCancellation] CancellationToken ct)
    {
        var admitted = false;
        try
        {
            while (!admitted)
            {
                var place = await line.Reader.ReadAsync(ct);
                admitted = place.Admitted;
                yield return place;
            }
        }
        finally
        {
            leftLine |= !admitted;
        }
    }

    public async IAsyncEnumerable<FrameMessage> FramesAsync(string worldId, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var frame in frames.Reader.ReadAllAsync(ct))
        {
            yield return frame;
        }
    }

    public Task SendActionAsync(string worldId, int action, long seq, CancellationToken ct)
    {
        lock (Actions)
        {
            Actions.Add((worldId, action, seq));
        }

        return Task.CompletedTask;
    }

    public event Action<string, string?>? PausedChanged;

    public void Pause(string worldId, string? reason) => PausedChanged?.Invoke(worldId, reason);

    public void Push(long step, long lastActionSeq = 0) =>
        frames.Writer.TryWrite(new FrameMessage(step, lastActionSeq, "image/png", [1, 2, 3, (byte)step], 0));

    /// <summary>Ends the current frame stream as a dropped connection would; the next stream starts afresh.</summary>
    public void DropStream()
    {
        var dropped = frames;
        frames = Channel.CreateUnbounded<FrameMessage>();
        dropped.Writer.TryComplete(new IOException("connection reset"));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public static WorldInfo World(string role, string id = "w1") => new(
        id, "Test world", "tiny", 64, 64, 20,
        [
            new ActionInfo(0, "noop", []),
            new ActionInfo(1, "forward", ["KeyW", "ArrowUp"]),
            new ActionInfo(2, "turn_left", ["KeyA", "ArrowLeft"]),
        ],
        role, 7);

    /// <summary>A world whose model also has paint (3, F or Space): a press that changes the world.</summary>
    public static WorldInfo WorldWithPaint(string role, string id = "w1")
    {
        var world = World(role, id);
        return world with { Actions = [.. world.Actions, new ActionInfo(3, "paint", ["KeyF", "Space"], Press: true, ChangesWorld: true)] };
    }
}
