using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.Cluster;

namespace WorldWeb.Server.Line;

/// <summary>
/// Joins and the line for a place (<see cref="IJoinLineGrain"/>, one per model). A world that runs takes no place, so
/// its joiners never wait. A world that must be opened waits its turn when others already wait for its model, or when
/// no node has a place for it: then only the head of the line asks for a place, every
/// <see cref="LineOptions.RenewMilliseconds"/>, and takes the first that any node frees (placement sends it there).
/// </summary>
public sealed partial class JoinLine(IGrainFactory grains, LiveWorlds worlds, LineAdmission admission,
    IOptions<LineOptions> options, TimeProvider clock, ILogger<JoinLine> logger)
{
    /// <summary>How long a join waits to hear from a world's node whether it runs; one that does not answer is taken as not running.</summary>
    private static readonly TimeSpan GlimpsePatience = TimeSpan.FromSeconds(5);

    /// <summary>Why a join may not open the world now (others wait for a place), or null: it runs, or nobody waits.</summary>
    public async Task<string?> WaitingAheadAsync(string worldId, string model)
    {
        if (worlds.RunsNow(worldId))
        {
            return null;
        }
        int waiting;
        try
        {
            waiting = await LineOf(model).Length();
        }
        catch (Exception ex) when (LiveWorlds.IsNodeFault(ex))
        {
            return null;  // the line went with its node; its joins enter the next one within a renewal
        }
        // The nodes' reports lag a second or two: the world's grain knows whether it runs, without opening it.
        return waiting == 0 || await worlds.GlimpseAsync(worldId, GlimpsePatience, trustReports: false) is not null ? null : Full($"{waiting} already wait in line");
    }

    /// <summary>The refusal that sends a join to the line; its start is what clients look for (<see cref="WorldHubProtocol.ServerFull"/>).</summary>
    public static string Full(string why) => $"{WorldHubProtocol.ServerFull}: {why}. Take a place in line with {WorldHubProtocol.WaitInLine}.";

    /// <summary>
    /// Waits in line until the world is open for the caller, writing its place whenever it changes; the last item
    /// admits it. Ends with a <see cref="HubException"/> when the caller may not open the world (its address already
    /// holds its most worlds or places in line, the world cannot run); leaves the line when <paramref name="cancellationToken"/>
    /// ends (the client stopped waiting or left).
    /// </summary>
    public async Task WaitAsync(ChannelWriter<LinePlace> places, string worldId, string model, string address, CancellationToken cancellationToken)
    {
        IJoinLineGrain line = LineOf(model);
        string ticket = Guid.NewGuid().ToString("N");
        DateTimeOffset? since = null;
        bool admitted = false;
        Exception? ended = null;
        try
        {
            LinePlace? told = null;
            while (true)
            {
                // A world that runs takes no place, whatever the line.
                if (worlds.RunsNow(worldId))
                {
                    break;
                }
                LineStanding? standing = await StandAsync(line, ticket, address, since);
                since ??= standing?.Since;
                // Only the head asks for a place: those behind it cannot take one first.
                if (standing?.Position == 1 && await admission.TryOpenAsync(worldId, address))
                {
                    // Out of the line before the client hears it may join, so the next one is the head at once.
                    admitted = true;
                    await LeaveAsync(line, ticket, admitted: true);
                    break;
                }
                var place = new LinePlace(standing?.Position ?? told?.Position ?? 0, standing?.EstimateSeconds, Admitted: false);
                if (place.Position > 0 && place != told)
                {
                    places.TryWrite(place);
                    told = place;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(options.Value.RenewMilliseconds), clock, cancellationToken);
            }
            places.TryWrite(new LinePlace(0, 0, Admitted: true));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client stopped waiting: its place goes below.
        }
        catch (Exception ex)
        {
            ended = ex is HubException ? ex : new HubException("Waiting in line failed; join again.");
            if (ex is not HubException)
            {
                LogWaitFailed(logger, ex, worldId);
            }
        }
        finally
        {
            places.TryComplete(ended);
            if (!admitted)
            {
                _ = LeaveAsync(line, ticket, admitted: false);
            }
        }
    }

    private IJoinLineGrain LineOf(string model) => grains.GetGrain<IJoinLineGrain>(model);

    /// <summary>Enters the line or renews the place; null when the line's node does not answer (a failover: enter again next time).</summary>
    private static async Task<LineStanding?> StandAsync(IJoinLineGrain line, string ticket, string address, DateTimeOffset? since)
    {
        try
        {
            LineStanding standing = since is null ? await line.Enter(ticket, address, null) : await line.Stand(ticket);
            if (standing.Position == 0 && standing.Refusal is null)
            {
                standing = await line.Enter(ticket, address, since);  // its place was lost with the line's node, or expired
            }
            return standing.Refusal is { } refusal ? throw new HubException(refusal) : standing;
        }
        catch (Exception ex) when (LiveWorlds.IsNodeFault(ex))
        {
            return null;
        }
    }

    private async Task LeaveAsync(IJoinLineGrain line, string ticket, bool admitted)
    {
        try
        {
            await line.Leave(ticket, admitted);
        }
        catch (Exception ex) when (LiveWorlds.IsNodeFault(ex))
        {
            // The line went with its node; the place expires with it.
            LogLeaveLost(logger, ticket, ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting in line for world {WorldId} failed")]
    private static partial void LogWaitFailed(ILogger logger, Exception exception, string worldId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Place {Ticket} could not leave its line ({Fault}); it expires")]
    private static partial void LogLeaveLost(ILogger logger, string ticket, string fault);
}
