using System.Collections.Concurrent;
using System.Security.Claims;
using System.Threading.Channels;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;
using WorldWeb.Server.Accounts;
using WorldWeb.Server.Clips;
using WorldWeb.Server.Cluster;
using WorldWeb.Server.Line;
using WorldWeb.Server.Visitors;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Safety;
using WorldWeb.Server.Sharing;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Play;

/// <summary>
/// Playing a world: join it (by id or share token), stream its frames, send actions. Every refusal is a
/// <see cref="HubException"/> to that caller only; other connections and worlds carry on. docs/protocol.md
/// documents it for third-party clients. Whether a world runs here or on another node of the cluster is
/// <see cref="LiveWorlds"/>' business; the client cannot tell either.
/// </summary>
[Authorize(Policy = Policies.Visitor)]
public sealed partial class WorldHub(LiveWorlds worlds, WorldRefs worldRefs, WorldVisits visits,
    LinkGrants grants, AccountConnections accounts, ModelCatalog catalog, ClusterQuotas quotas, JoinLine line,
    IOptions<SafetyOptions> safety, ILogger<WorldHub> logger)
    : Hub<IWorldClient>
{
    public const string Path = WorldHubProtocol.Path;

    /// <summary>Join and action messages are tiny; anything bigger is not from a WorldWeb client.</summary>
    public const long MaximumReceiveMessageSize = 4 * 1024;

    private const int MaxRefLength = WorldRefs.MaxLength;
    private const string RefusedKey = "worldweb.refused";

    /// <summary>The client's address key (<see cref="ClientAddress"/>), as the forwarded-headers middleware left it.</summary>
    private string Address => ClientAddress.KeyOf(Context.GetHttpContext()?.Connection.RemoteIpAddress, safety.Value.Ipv6PrefixLength);

    private static ConcurrentDictionary<string, int> StreamsOf(HubCallerContext context) => ConnectionMaps.Of<int>(context, "worldweb.streams");

    public static string GroupOf(string worldId) => $"world:{worldId}";

    public override async Task OnConnectedAsync()
    {
        if (await quotas.TryConnectAsync(Address) is { } refusal)
        {
            Context.Items[RefusedKey] = true;
            throw new HubException(refusal);
        }
        accounts.Connected(Context);
        await base.OnConnectedAsync();
    }

    public async Task<WorldInfo> JoinWorld(string worldRef)
    {
        CheckJoin(worldRef);
        ClaimsPrincipal user = accounts.UserOf(Context);
        (WorldRecord world, string role, ShareLinkRecord? link) = await ResolveAsync(worldRef.Trim(), user);
        LoadedModel model = ModelOf(world);
        // A world that must be opened while others wait for a place goes to the back of the line, not ahead of them.
        if (await line.WaitingAheadAsync(world.Id, model.Name) is { } waitInLine)
        {
            throw new HubException(waitInLine);
        }
        // A join opens the world, which then stays live until idle: it counts among the address's worlds like any open.
        if (await quotas.TryOpenAsync(Address, world.Id) is { } tooMany)
        {
            throw new HubException(tooMany);
        }
        // Opening the world also holds its action mask (WorldResumer sets it at resume, the mask API when it changes).
        OpenedWorld opened = await OpenAsync(world.Id);
        long step = opened.Step;
        if (role != WorldRoles.Owner)
        {
            // From this step on the caller could watch the world, so may clip it.
            await visits.JoinedAsync(world.Id, Context.User.UserId(), step, Context.ConnectionAborted);
        }
        Guid? joinedBy = role != WorldRoles.Owner ? link?.Id : null;
        JoinedWorlds.Of(Context)[world.Id] = new JoinedWorld(role, model.Actions, joinedBy);
        if (link is not null && role != WorldRoles.Owner)
        {
            grants.Add(Context.ConnectionId, world.Id, link.Id, link.ExpiresAt);
        }
        else
        {
            grants.Remove(Context.ConnectionId, world.Id);
        }
        // An admin sees any world as a viewer; a world it sees by no other right is closed to it when it is demoted.
        accounts.Joined(Context.ConnectionId, world.Id, byAdmin: link is null && WorldAccess.RoleOf(world, user.UserId()) is null);
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(world.Id));
        LogJoined(logger, Context.ConnectionId, world.Id, role);
        var frame = model.Manifest.Frame;
        return new WorldInfo(world.Id, world.Title, model.Name, frame.Width, frame.Height, model.Manifest.Fps, model.Actions, role, step);
    }

    /// <summary>The world's frames from its current one on, until the caller cancels or leaves.</summary>
    public async Task<ChannelReader<FrameMessage>> Frames(string worldId, CancellationToken cancellationToken)
    {
        string role = RoleIn(worldId);
        OpenedWorld opened = await OpenAsync(worldId);
        SafetyOptions limits = safety.Value;
        if (opened.Viewers >= limits.MaxViewersPerWorld && role != WorldRoles.Owner)
        {
            throw new HubException($"This world already has {limits.MaxViewersPerWorld} viewers, its limit; try again later.");
        }
        ConcurrentDictionary<string, int> streams = StreamsOf(Context);
        if (streams.AddOrUpdate(worldId, 1, (_, n) => n + 1) > limits.MaxStreamsPerConnectionPerWorld)
        {
            streams.AddOrUpdate(worldId, 0, (_, n) => n - 1);
            throw new HubException($"This connection already streams this world {limits.MaxStreamsPerConnectionPerWorld} times, its limit.");
        }
        if (await quotas.TryWatchAsync(Address, worldId) is { } refusal)
        {
            streams.AddOrUpdate(worldId, 0, (_, n) => n - 1);
            throw new HubException(refusal);
        }
        string address = Address;
        var hold = new StreamHold();
        hold.Take(() =>
        {
            quotas.Unwatch(address, worldId);
            streams.AddOrUpdate(worldId, 0, (_, n) => n - 1);
        });
        try
        {
            (FrameViewer viewer, Action stopWatching) = await WatchAsync(opened, worldId);
            hold.Take(stopWatching);
            if (grants.Watching(Context.ConnectionId, worldId, viewer) is { } tie)
            {
                hold.Take(tie.Dispose);
            }
            if (accounts.Watching(Context.ConnectionId, worldId, viewer) is { } account)
            {
                hold.Take(account.Dispose);
            }
            hold.Until(viewer, cancellationToken, Context.ConnectionAborted);
            return viewer.Reader;
        }
        catch
        {
            hold.Release();
            throw;
        }
    }

    /// <summary>A viewer of the world, wherever it runs, and how to stop it.</summary>
    private async Task<(FrameViewer Viewer, Action Stop)> WatchAsync(OpenedWorld opened, string worldId)
    {
        // After a failover the world resumes holding no key: a relay sends this connection's last action again.
        ConcurrentDictionary<string, HeldAction> held = HeldActions.Of(Context);
        string actor = Context.ConnectionId;
        try
        {
            return await worlds.WatchAsync(opened, grain =>
                held.TryGetValue(worldId, out HeldAction? last) ? grain.Act(last.Caller, last.Action, last.Seq, actor) : Task.FromResult<string?>(null));
        }
        catch (WorldUnavailableException ex)
        {
            throw new HubException(ex.Message);
        }
    }

    public async Task SendAction(string worldId, int action, long seq)
    {
        JoinedWorld joined = JoinedAs(worldId);
        // Who calls, not what they may do: the world's node decides that from the database, wherever the world runs.
        var caller = new WorldCaller(Context.User.UserId(), joined.LinkId);
        if (await worlds.ActAsync(worldId, caller, action, seq, Context.ConnectionId) is { } refused)
        {
            throw new HubException(refused);
        }
        // Sent again after a failover is the key still held; a press was applied once (or is lost with an unlogged step).
        if (!joined.IsPress(action))
        {
            HeldActions.Of(Context)[worldId] = new HeldAction(action, seq, caller);
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (!Context.Items.ContainsKey(RefusedKey))
        {
            quotas.Disconnected(Address);
        }
        grants.Disconnected(Context.ConnectionId);
        accounts.Disconnected(Context.ConnectionId);
        foreach (string worldId in JoinedWorlds.Of(Context).Keys)
        {
            worlds.Release(worldId, Context.ConnectionId);
        }
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>What every join (and a place in line) checks first: a well-formed reference, an account in good standing, the address's rate.</summary>
    private void CheckJoin(string worldRef)
    {
        if (string.IsNullOrWhiteSpace(worldRef) || worldRef.Length > MaxRefLength)
        {
            throw new HubException("worldRef must be a world id or a share-link token.");
        }
        if (accounts.Refusal(Context.ConnectionId) is { } ended)
        {
            throw new HubException(ended);
        }
        if (quotas.TryJoin(Address) is { } tooFast)
        {
            throw new HubException(tooFast);
        }
    }

    private LoadedModel ModelOf(WorldRecord world) =>
        catalog.Find(world.Model) ?? throw new HubException($"The model '{world.Model}' of this world is not loaded on this server.");

    /// <summary>The role the caller joined the world as, while the link it joined through (if any) still stands.</summary>
    private string RoleIn(string worldId) => JoinedAs(worldId).Role;

    /// <summary>How the caller joined the world, while the link it joined through (if any) still stands.</summary>
    private JoinedWorld JoinedAs(string worldId)
    {
        if (worldId is null || !JoinedWorlds.Of(Context).TryGetValue(worldId, out JoinedWorld? joined))
        {
            throw new HubException($"Join world '{worldId}' with JoinWorld before streaming its frames or acting in it.");
        }
        string? refusal = accounts.Refusal(Context.ConnectionId, worldId) ?? grants.Refusal(Context.ConnectionId, worldId);
        return refusal is not null ? throw new HubException(refusal) : joined;
    }

    private async Task<(WorldRecord World, string Role, ShareLinkRecord? Link)> ResolveAsync(string worldRef, ClaimsPrincipal user)
    {
        (ResolvedWorld? resolved, _, string refusal) = await worldRefs.ResolveAsync(worldRef, user, Context.ConnectionAborted);
        return resolved is null ? throw new HubException(refusal) : (resolved.World, resolved.Role, resolved.Link);
    }

    private async Task<OpenedWorld> OpenAsync(string worldId)
    {
        try
        {
            return await worlds.OpenAsync(worldId) ?? throw new HubException($"World '{worldId}' no longer exists.");
        }
        catch (WorldUnavailableException ex) when (ex.IsFull)
        {
            throw new HubException(JoinLine.Full("no node has a place for another world now"));
        }
        catch (WorldUnavailableException ex)
        {
            throw new HubException(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} joined world {WorldId} as {Role}")]
    private static partial void LogJoined(ILogger logger, string connectionId, string worldId, string role);
}
