using WorldWeb.Client.Contracts;
using WorldWeb.Server.Frames;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Stepping;

/// <summary>Encodes each stepped world's frame once for all of its viewers and offers it to their streams.</summary>
internal sealed class FramePublisher(FrameEncoder encoder, int width, int height, TimeProvider clock)
{
    /// <summary>Worlds in a tick from which their frames are encoded in parallel.</summary>
    private const int ParallelEncodeFrom = 8;

    /// <summary>
    /// Publishes every world of <paramref name="tick"/> not faulted in <paramref name="faults"/>; a world whose
    /// encoding throws is faulted there. Laps <see cref="TickPart.Encode"/> and <see cref="TickPart.Publish"/>.
    /// </summary>
    /// <returns>Frames and bytes sent, over all viewers.</returns>
    public (long Frames, long Bytes) Publish(SteppedTick tick, Exception?[] faults)
    {
        (WorldSession[] due, TickParts parts) = (tick.Due, tick.Parts);
        byte[][] encoded = EncodeAll(tick.Rgb, faults);
        parts.Lap(TickPart.Encode);
        long framesSent = 0, bytesSent = 0, sentAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
        for (int row = 0; row < due.Length; row++)
        {
            if (faults[row] is not null)
            {
                continue;
            }
            int viewers = due[row].Viewers;
            (framesSent, bytesSent) = (framesSent + viewers, bytesSent + (long)viewers * encoded[row].Length);
            due[row].Publish(new FrameMessage(tick.Steps[row], tick.Seqs[row], encoder.ContentType, encoded[row], sentAt));
        }
        parts.Lap(TickPart.Publish);
        return (framesSent, bytesSent);
    }

    /// <summary>
    /// Encodes every world's frame; across cores when there are enough of them to pay for it (each world's is
    /// independent, and at hundreds of worlds a serial encode alone would outlast the tick).
    /// </summary>
    private byte[][] EncodeAll(byte[][] rgb, Exception?[] faults)
    {
        var encoded = new byte[rgb.Length][];
        void Encode(int row) => WorldFaults.Isolated(faults, row, () => encoded[row] = encoder.Encode(rgb[row], width, height));
        if (rgb.Length < ParallelEncodeFrom || Environment.ProcessorCount == 1)
        {
            for (int row = 0; row < rgb.Length; row++)
            {
                Encode(row);
            }
        }
        else
        {
            // Across every core: the pool's, not the tick threads (which run this).
            Parallel.For(0, rgb.Length, new ParallelOptions { TaskScheduler = TaskScheduler.Default }, Encode);
        }
        return encoded;
    }
}
