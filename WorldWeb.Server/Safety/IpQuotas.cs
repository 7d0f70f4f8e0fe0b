using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace WorldWeb.Server.Safety;

/// <summary>
/// What one client address may hold on the hub at once: connections, and the worlds its streams keep stepping (the
/// CPU or GPU every other player shares), and how fast it may join. A visitor that drops its cookie on every request
/// is a new identity each time, but still one address. A world opened without a stream (<c>GET /api/worlds/{id}/frame</c>)
/// stays live until it has been idle for a while, so such an open holds a place among the address's watched worlds for
/// that while (<see cref="TryOpen"/>): however a world is opened, one address keeps at most
/// <see cref="SafetyOptions.MaxWatchedWorldsPerIp"/> worlds live. In a cluster the caller adds what the address holds on the
/// other nodes (<c>ClusterQuotas</c>); this class counts this node's.
/// </summary>
public sealed class IpQuotas
{
    private readonly SafetyOptions _options;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Holdings> _byAddress = new(StringComparer.Ordinal);
    private readonly PartitionedRateLimiter<string> _joins;

    public IpQuotas(IOptions<SafetyOptions> options, TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;
        _joins = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = _options.JoinsPerMinutePerIp,
            TokensPerPeriod = _options.JoinsPerMinutePerIp,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));
    }

    /// <summary>Null when the address may open one more hub connection (and it is counted), else why not.</summary>
    /// <param name="elsewhere">The address's connections on the cluster's other nodes.</param>
    public string? TryConnect(string address, int elsewhere = 0)
    {
        lock (_gate)
        {
            Holdings held = HoldingsOf(address);
            if (held.Connections + elsewhere >= _options.MaxConnectionsPerIp)
            {
                Forget(address, held);
                return $"Too many connections from your address: at most {_options.MaxConnectionsPerIp} at once.";
            }
            held.Connections++;
            return null;
        }
    }

    public void Disconnected(string address)
    {
        lock (_gate)
        {
            if (_byAddress.TryGetValue(address, out Holdings? held))
            {
                held.Connections--;
                Forget(address, held);
            }
        }
    }

    public string? TryJoin(string address)
    {
        using RateLimitLease lease = _joins.AttemptAcquire(address);
        return lease.IsAcquired ? null : $"Too many joins from your address: at most {_options.JoinsPerMinutePerIp} per minute. Try again in a minute.";
    }

    /// <summary>Null when the address may open a frame stream of the world (and it is counted), else why not.</summary>
    /// <param name="elsewhere">The worlds the address watches on the cluster's other nodes.</param>
    public string? TryWatch(string address, string worldId, IReadOnlyCollection<string>? elsewhere = null)
    {
        lock (_gate)
        {
            Holdings held = HoldingsOf(address);
            if (Refusal(held, worldId, elsewhere) is { } refusal)
            {
                Forget(address, held);
                return refusal;
            }
            held.Streams[worldId] = held.Streams.GetValueOrDefault(worldId) + 1;
            return null;
        }
    }

    /// <summary>
    /// Null when the address may open the world without a stream, which keeps it live for <paramref name="live"/> (and
    /// the world counts among the address's for that long), else why not.
    /// </summary>
    /// <param name="elsewhere">The worlds the address watches or opened on the cluster's other nodes.</param>
    public string? TryOpen(string address, string worldId, TimeSpan live, IReadOnlyCollection<string>? elsewhere = null)
    {
        lock (_gate)
        {
            Holdings held = HoldingsOf(address);
            if (Refusal(held, worldId, elsewhere) is { } refusal)
            {
                Forget(address, held);
                return refusal;
            }
            held.Opened[worldId] = _clock.GetUtcNow() + live;
            return null;
        }
    }

    /// <summary>
    /// The open <see cref="TryOpen"/> counted did not happen (no such world, its model not loaded here, no place): the
    /// world is not live, so the address keeps it live no more. Its streams, if any, still count.
    /// </summary>
    public void OpenFailed(string address, string worldId)
    {
        lock (_gate)
        {
            if (_byAddress.TryGetValue(address, out Holdings? held) && held.Opened.Remove(worldId))
            {
                Forget(address, held);
            }
        }
    }

    private string? Refusal(Holdings held, string worldId, IReadOnlyCollection<string>? elsewhere)
    {
        HashSet<string> watched = [.. WorldsOf(held), .. elsewhere ?? []];
        return !watched.Contains(worldId) && watched.Count >= _options.MaxWatchedWorldsPerIp
            ? $"Your address already watches {watched.Count} worlds, its limit; close one to watch another."
            : null;
    }

    /// <summary>The worlds the address streams or opened lately (forgetting opens whose time is up).</summary>
    private IEnumerable<string> WorldsOf(Holdings held)
    {
        DateTimeOffset now = _clock.GetUtcNow();
        foreach (string over in held.Opened.Where(o => o.Value <= now).Select(o => o.Key).ToList())
        {
            held.Opened.Remove(over);
        }
        return held.Streams.Keys.Union(held.Opened.Keys);
    }

    public void Unwatch(string address, string worldId)
    {
        lock (_gate)
        {
            if (_byAddress.TryGetValue(address, out Holdings? held) && held.Streams.TryGetValue(worldId, out int streams))
            {
                if (streams <= 1)
                {
                    held.Streams.Remove(worldId);
                }
                else
                {
                    held.Streams[worldId] = streams - 1;
                }
                Forget(address, held);
            }
        }
    }

    /// <summary>
    /// The addresses that held anything on this node; those whose opens have all run out are forgotten, but named once
    /// more, so that a report of their holdings (none) reaches the cluster.
    /// </summary>
    public string[] Addresses()
    {
        lock (_gate)
        {
            string[] addresses = [.. _byAddress.Keys];
            foreach ((string address, Holdings held) in _byAddress.ToList())
            {
                _ = WorldsOf(held).Count();
                Forget(address, held);
            }
            return addresses;
        }
    }

    /// <summary>What the address holds on this node: hub connections and the worlds it watches.</summary>
    public (int Connections, string[] Worlds) HeldBy(string address)
    {
        lock (_gate)
        {
            if (!_byAddress.TryGetValue(address, out Holdings? held))
            {
                return (0, []);
            }
            string[] worlds = [.. WorldsOf(held)];
            Forget(address, held);
            return (held.Connections, worlds);
        }
    }

    private Holdings HoldingsOf(string address)
    {
        if (!_byAddress.TryGetValue(address, out Holdings? held))
        {
            _byAddress[address] = held = new Holdings();
        }
        return held;
    }

    private void Forget(string address, Holdings held)
    {
        if (held.Connections <= 0 && held.Streams.Count == 0 && held.Opened.Count == 0)
        {
            _byAddress.Remove(address);
        }
    }

    private sealed class Holdings
    {
        public int Connections { get; set; }

        public Dictionary<string, int> Streams { get; } = new(StringComparer.Ordinal);

        /// <summary>Worlds opened without a stream, until when the open keeps them live.</summary>
        public Dictionary<string, DateTimeOffset> Opened { get; } = new(StringComparer.Ordinal);
    }
}
