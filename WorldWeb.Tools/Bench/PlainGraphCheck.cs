using WorldWeb.Inference.Frames;
using WorldWeb.Inference.Stepping;

namespace WorldWeb.Tools.Bench;

/// <summary>
/// <c>bench inference --check</c>: steps a batch of the measured package and one of its plain graph side by side from
/// the same inputs, feeding the plain graph's frames back into both, and reports how many of the measured frames'
/// bytes match. On a CPU a pooled or replayed step is the plain one bit for bit; on a GPU two sessions may pick
/// different convolution algorithms, so a share just under 1 is expected, while a broken path (a replayed graph
/// reading stale inputs) shows as far less.
/// </summary>
internal static class PlainGraphCheck
{
    private const int Steps = 8;

    /// <param name="fill">Fills a row of a batch and returns its context, the same for the same row of either batch.</param>
    public static object Run(WorldModel measuredModel, WorldModel plainModel, int size, Func<StepBatch, int, List<byte[]>> fill)
    {
        using StepBatch measured = measuredModel.CreateBatch(size), plain = plainModel.CreateBatch(size);
        List<byte[]>[] contexts = [.. Enumerable.Range(0, size).Select(row =>
        {
            fill(measured, row);
            return fill(plain, row);
        })];
        long same = 0, total = 0;
        int maxDifference = 0;
        for (var step = 0; step < Steps; step++)
        {
            measuredModel.Step(measured);
            plainModel.Step(plain);
            for (var row = 0; row < size; row++)
            {
                byte[] got = Rgb(measured.Frame(row)), expected = Rgb(plain.Frame(row));
                for (var i = 0; i < got.Length; i++)
                {
                    var difference = Math.Abs(got[i] - expected[i]);
                    same += difference == 0 ? 1 : 0;
                    maxDifference = Math.Max(maxDifference, difference);
                }
                total += got.Length;
                contexts[row].RemoveAt(0);
                contexts[row].Add(expected);
                measured.SetContext(row, contexts[row]);
                plain.SetContext(row, contexts[row]);
            }
        }
        return new { steps = Steps, identical_bytes = Math.Round((double)same / total, 5), max_byte_difference = maxDifference };
    }

    private static byte[] Rgb(ReadOnlySpan<float> frame)
    {
        var rgb = new byte[frame.Length];
        FrameMath.ToRgb24(frame, rgb);
        return rgb;
    }
}
