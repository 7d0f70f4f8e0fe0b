using System.Threading.Channels;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Server.Worlds;

/// <summary>
/// One open <c>Frames</c> stream. A viewer that falls behind loses its oldest frames, never the newest:
/// a world does not wait for its slowest viewer.
/// </summary>
public sealed class FrameViewer
{
    private readonly Channel<FrameMessage> _frames = Channel.CreateBounded<FrameMessage>(
        new BoundedChannelOptions(3) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public ChannelReader<FrameMessage> Reader => _frames.Reader;

    public void Offer(FrameMessage frame) => _frames.Writer.TryWrite(frame);

    public void Complete(Exception? error = null) => _frames.Writer.TryComplete(error);
}
