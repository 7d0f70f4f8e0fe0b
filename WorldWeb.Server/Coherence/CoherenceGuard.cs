using WorldWeb.Memory;

namespace WorldWeb.Server.Coherence;

/// <summary>
/// Looks at each generated frame before anyone sees it. Its verdicts depend only on the world's own frames (its
/// state is saved with the world, <see cref="State"/>), so a replay rejects the same frames. One per world, called on
/// the world's tick.
/// </summary>
public sealed class CoherenceGuard(CoherenceOptions options)
{
    private const int WarmUpSteps = 20;
    private byte[]? _previous;
    private int _repeats, _seen;
    private double _meanFramePsnr;

    /// <param name="moved">Whether the tracked pose moved this step: a still view may legitimately repeat exactly.</param>
    /// <param name="changedWorld">
    /// Whether this step's action changed the world (a paint). Its frame may rightly differ from the last by far more
    /// than a move's (a brick wall close up turns into a mark's fill), and up against the wall the world's own view of
    /// a mark is one flat colour: neither is a collapse nor a blank, and the running mean is not moved by it. Before
    /// this every paint of paint37 on the play page was rolled back as a collapse (docs/model-card.md, 2026-12-07).
    /// </param>
    public FrameFault Check(ReadOnlySpan<float> frame, byte[] rgb, bool moved, bool changedWorld, double? revisitPsnr, RevisitScore revisits)
    {
        if (!options.GuardEnabled)
        {
            return FrameFault.None;
        }
        double low = -options.RangeTolerance, high = 1 + options.RangeTolerance;
        foreach (float value in frame)
        {
            if (!(value >= low && value <= high))
            {
                return FrameFault.Invalid;
            }
        }
        // A view that turns flat unasked; one that stays flat after a change made it so (a mark's fill seen from
        // against the wall) is the world's.
        if (!changedWorld && IsFlat(rgb) && !(_previous is not null && IsFlat(_previous)))
        {
            return FrameFault.Blank;
        }
        if (_previous is not null)
        {
            if (moved && rgb.AsSpan().SequenceEqual(_previous))
            {
                if (++_repeats >= options.FrozenRepeats)
                {
                    return FrameFault.Frozen;
                }
            }
            else
            {
                _repeats = 0;
            }
            double psnr = FrameCompare.Psnr(rgb, _previous);
            if (!changedWorld)
            {
                if (_seen >= WarmUpSteps && psnr < options.CollapsePsnr && psnr < _meanFramePsnr - options.CollapseDropDb)
                {
                    return FrameFault.Collapse;
                }
                _meanFramePsnr = _seen == 0 ? psnr : 0.95 * _meanFramePsnr + 0.05 * psnr;
                _seen++;
            }
        }
        if (revisitPsnr is { } r && revisits.Count >= WarmUpSteps && revisits.MeanPsnr is { } mean
            && r < options.CollapsePsnr && r < mean - options.CollapseDropDb)
        {
            return FrameFault.Collapse;
        }
        _previous = rgb;
        return FrameFault.None;
    }

    /// <summary>
    /// What the guard has learned of the frames so far. The frame it compares with next is always the world's
    /// current frame once it has seen one (<paramref name="Primed"/>), so that is not part of it.
    /// </summary>
    public readonly record struct GuardState(bool Primed, int Repeats, int Seen, double MeanFramePsnr);

    public GuardState State => new(_previous is not null, _repeats, _seen, _meanFramePsnr);

    /// <summary>The guard as a save left it, at the world's <paramref name="current"/> frame.</summary>
    public void Restore(GuardState state, byte[] current)
    {
        _previous = state.Primed ? current : null;
        (_repeats, _seen, _meanFramePsnr) = (state.Repeats, state.Seen, state.MeanFramePsnr);
    }

    /// <summary>After a rollback the frame shown again is the checkpoint's; comparisons start from it.</summary>
    public void Reset(byte[] shown)
    {
        _previous = shown;
        _repeats = 0;
    }

    private bool IsFlat(ReadOnlySpan<byte> rgb) => StdDev(rgb) < options.BlankStdDev;

    private static double StdDev(ReadOnlySpan<byte> rgb)
    {
        long sum = 0, squares = 0;
        foreach (byte b in rgb)
        {
            sum += b;
            squares += b * b;
        }
        double mean = (double)sum / rgb.Length;
        return Math.Sqrt(Math.Max(0, (double)squares / rgb.Length - mean * mean));
    }
}
