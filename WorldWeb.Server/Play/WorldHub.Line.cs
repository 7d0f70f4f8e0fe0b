using System.Threading.Channels;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;

namespace WorldWeb.Server.Play;

public sealed partial class WorldHub
{
    /// <summary>
    /// A place in line for a world that needs a place the server does not have now (<c>JoinWorld</c> said
    /// <see cref="WorldHubProtocol.ServerFull"/>): the caller's position as it changes, until an item admits it and it
    /// joins. Its rights are checked first, so nobody waits to be refused; ending the stream or the connection leaves
    /// the line.
    /// </summary>
    public async Task<ChannelReader<LinePlace>> WaitInLine(string worldRef, CancellationToken cancellationToken)
    {
        CheckJoin(worldRef);
        (WorldRecord world, _, _) = await ResolveAsync(worldRef.Trim(), accounts.UserOf(Context));
        string model = ModelOf(world).Name;
        // Only the latest place matters to a client that reads slowly; the item that admits it is the last one written.
        var places = Channel.CreateBounded<LinePlace>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Context.ConnectionAborted);
        _ = line.WaitAsync(places.Writer, world.Id, model, Address, waiting.Token).ContinueWith(_ => waiting.Dispose(), TaskScheduler.Default);
        return places.Reader;
    }
}
