using System.Collections.Concurrent;

namespace WorldWeb.Server.Database;

/// <summary>
/// Rows read on a hot path (every action), each read again once it is older than <see cref="Fresh"/>: a change made
/// through any node (a revoked link, a claimed world) is seen within about a second without a read per call. Once a
/// value is known, a database that is down or hung costs a caller at most <see cref="Patience"/>, then the last value
/// answers: play goes on while the database is away, as everywhere else.
/// </summary>
public sealed class RecentReads<TKey, TValue>(Func<TKey, Task<TValue?>> read, TimeProvider clock)
    where TKey : notnull
    where TValue : class
{
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Patience = TimeSpan.FromMilliseconds(300);

    // Values not asked for this long are dropped (swept at most once a minute), so the map holds what is in use.
    private static readonly TimeSpan Forgotten = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<TKey, Read> _reads = new();
    private DateTimeOffset _swept;

    /// <summary>The value, read again when it is not fresh.</summary>
    /// <exception cref="Exception">The first read of <paramref name="key"/> failed (see <see cref="DatabaseFaults"/>).</exception>
    public async Task<TValue?> GetAsync(TKey key)
    {
        DateTimeOffset now = clock.GetUtcNow();
        Read latest = _reads.AddOrUpdate(key,
            k => new Read(read(k), now, null),
            (k, r) => now - r.At < Fresh ? r : new Read(read(k), now, r.Settled()));
        Sweep(now);
        if (latest.Last is not { } last)
        {
            return await latest.Value;  // nothing known yet: wait for the database
        }
        try
        {
            return await latest.Value.WaitAsync(Patience, clock);
        }
        catch (Exception ex) when (ex is TimeoutException || DatabaseFaults.IsTransient(ex))
        {
            return last.Value;
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        if (now - _swept < TimeSpan.FromMinutes(1))
        {
            return;
        }
        _swept = now;
        foreach ((TKey key, Read r) in _reads)
        {
            if (now - r.At > Forgotten)
            {
                _reads.TryRemove(key, out _);
            }
        }
    }

    /// <summary>One read, and the last value read successfully before it (null: none).</summary>
    private sealed record Read(Task<TValue?> Value, DateTimeOffset At, Known? Last)
    {
        public Known? Settled() => Value.IsCompletedSuccessfully ? new Known(Value.Result) : Last;
    }

    private sealed record Known(TValue? Value);
}
