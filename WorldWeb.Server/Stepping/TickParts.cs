using System.Diagnostics;

namespace WorldWeb.Server.Stepping;

/// <summary>The parts of one scheduler tick, in the order they run.</summary>
public enum TickPart
{
    /// <summary>Copying each world's context, action, noise and memory into the batch.</summary>
    Fill,
    /// <summary>The batched inference (its sub-batches at once).</summary>
    Step,
    /// <summary>Each world takes its frame: 8-bit conversion, coherence guard, pose, memory.</summary>
    Advance,
    /// <summary>Appending the applied actions to the action log's queue.</summary>
    Log,
    /// <summary>Waiting for the previous tick's frames to go out, so each world's frames leave in order.</summary>
    Wait,
    /// <summary>Encoding each world's frame once for all of its viewers.</summary>
    Encode,
    /// <summary>Offering the encoded frames to the viewers' streams.</summary>
    Publish,
}

/// <summary>
/// Wall-clock milliseconds of each <see cref="TickPart"/> of one tick, timed lap by lap. Encode and publish run
/// while the next tick fills and steps, so a tick's total is its latency, from fill to its frames' publishing.
/// </summary>
public sealed class TickParts
{
    public static readonly TickPart[] All = Enum.GetValues<TickPart>();

    private readonly double[] _ms = new double[All.Length];
    private long _lapStarted = Stopwatch.GetTimestamp();

    /// <summary>Ends the lap of <paramref name="part"/>: the time since the previous lap ended is its.</summary>
    public void Lap(TickPart part)
    {
        long now = Stopwatch.GetTimestamp();
        _ms[(int)part] += Stopwatch.GetElapsedTime(_lapStarted, now).TotalMilliseconds;
        _lapStarted = now;
    }

    public double this[TickPart part] => _ms[(int)part];

    public double TotalMs => _ms.Sum();

    /// <summary>The name a part goes by in metrics and benchmark output.</summary>
    public static string NameOf(TickPart part) => part.ToString().ToLowerInvariant();
}
