using Microsoft.Extensions.Options;

namespace WorldWeb.Server.Line;

/// <summary>
/// One model's line: places in the order their joins first entered, each with its client's address (for the
/// per-address cap) and when it was last renewed. Places whose holders stopped renewing are swept at every call, so
/// the positions behind them move up at the next renewal.
/// </summary>
internal sealed class JoinLineGrain(IOptions<LineOptions> options, TimeProvider clock) : Grain, IJoinLineGrain
{
    private readonly List<Place> _places = [];
    private readonly LinePace _pace = new();

    public Task<LineStanding> Enter(string ticket, string address, DateTimeOffset? since)
    {
        Sweep();
        int at = _places.FindIndex(p => p.Ticket == ticket);
        if (at >= 0)
        {
            return Task.FromResult(Renew(at));
        }
        LineOptions limits = options.Value;
        DateTimeOffset now = clock.GetUtcNow();
        int ofAddress = _places.Count(p => p.Address == address);
        if (ofAddress >= limits.MaxPlacesPerAddress)
        {
            return Task.FromResult(new LineStanding(0, null, now,
                $"Your address already waits in line {ofAddress} times for a world of this model, its limit; wait for one of those to get its place."));
        }
        if (_places.Count >= limits.MaxLength)
        {
            return Task.FromResult(new LineStanding(0, null, now, $"{_places.Count} are waiting in line already, its limit; try again later."));
        }
        // Behind everyone who entered before it: a newcomer goes to the back, a place lost with a node comes back where it was.
        var place = new Place(ticket, address, since ?? now) { Renewed = now };
        int index = _places.FindLastIndex(p => p.Since <= place.Since) + 1;
        _places.Insert(index, place);
        return Task.FromResult(Standing(index));
    }

    public Task<LineStanding> Stand(string ticket)
    {
        Sweep();
        int at = _places.FindIndex(p => p.Ticket == ticket);
        return Task.FromResult(at >= 0 ? Renew(at) : new LineStanding(0, null, clock.GetUtcNow()));
    }

    public Task Leave(string ticket, bool admitted)
    {
        if (_places.RemoveAll(p => p.Ticket == ticket) > 0 && admitted)
        {
            _pace.Admitted(clock.GetUtcNow());
        }
        return Task.CompletedTask;
    }

    public Task<int> Length()
    {
        Sweep();
        return Task.FromResult(_places.Count);
    }

    private LineStanding Renew(int at)
    {
        _places[at].Renewed = clock.GetUtcNow();
        return Standing(at);
    }

    private LineStanding Standing(int at) => new(at + 1, _pace.SecondsUntil(at + 1, clock.GetUtcNow()), _places[at].Since);

    private void Sweep()
    {
        DateTimeOffset stale = clock.GetUtcNow() - TimeSpan.FromSeconds(options.Value.LeaseSeconds);
        _places.RemoveAll(p => p.Renewed < stale);
    }

    private sealed record Place(string Ticket, string Address, DateTimeOffset Since)
    {
        public DateTimeOffset Renewed { get; set; }
    }
}
