using WorldWeb.Inference.Poses;

namespace WorldWeb.Memory;

/// <summary>
/// What one world remembers: memory entries indexed by pose (<see cref="PoseGrid"/>), written by
/// <see cref="MemoryPolicy"/> and bounded by its budget, and the entries most useful for a pose. Deterministic:
/// the same frames, poses and steps in the same order give the same memories and the same recalls, so replaying the
/// action log regenerates them. Not thread-safe; the world's session serialises calls.
/// </summary>
public sealed class WorldMemory
{
    private readonly MemoryPolicy _policy;
    private readonly MemoryFrameCodec _frames;
    private readonly int _width, _height;
    private readonly IMemoryJournal? _journal;
    private readonly PoseGrid _grid;
    private readonly List<MemoryEntry> _entries = [];
    private readonly StoodPlaces _stood = new();
    private readonly float[] _thumbnail = new float[3 * FrameCompare.ThumbnailSide * FrameCompare.ThumbnailSide];
    private readonly double _noveltyTurn, _recallTurn, _sameSpotTurn, _revisitTurn;

    public WorldMemory(MemoryPolicy policy, MemoryFrameCodec frames, IMemoryJournal? journal = null)
    {
        (_policy, _frames, _width, _height, _journal) = (policy, frames, frames.Width, frames.Height, journal);
        _grid = new PoseGrid(Math.Max(policy.RecallCells, policy.NoveltyCells));
        (_noveltyTurn, _recallTurn) = (Radians(policy.NoveltyDegrees), Radians(policy.RecallDegrees));
        (_sameSpotTurn, _revisitTurn) = (Radians(policy.SameSpotDegrees), Radians(policy.RevisitDegrees));
    }

    public MemoryPolicy Policy => _policy;

    /// <summary>How its frames are stored and read back.</summary>
    public MemoryFrameCodec Frames => _frames;

    /// <summary>Everything held, oldest first.</summary>
    public IReadOnlyList<MemoryEntry> Entries => _entries;

    /// <summary>Stored bytes of the held entries.</summary>
    public long Bytes { get; private set; }

    /// <summary>Where the player has stood: every pose offered to <see cref="Remember"/>, kept or not.</summary>
    public StoodPlaces Stood => _stood;

    /// <summary>The step of the latest write (for the every-N-steps rule).</summary>
    public long LastWriteStep { get; private set; }

    /// <summary>Memory as a snapshot left it: <paramref name="entries"/> are the stored entries it names.</summary>
    public static WorldMemory Restore(MemoryPolicy policy, MemoryFrameCodec frames, MemorySnapshot snapshot, IEnumerable<MemoryEntry> entries, IMemoryJournal? journal = null)
    {
        var memory = new WorldMemory(policy, frames, journal) { LastWriteStep = snapshot.LastWriteStep };
        foreach (StoodPlaces.Place place in snapshot.StoodPlaces)
        {
            memory._stood.Add(new Pose(place.X, place.Y, 0));
        }
        Dictionary<long, int> hits = snapshot.Entries.ToDictionary(e => e.Step, e => e.Hits);
        foreach (MemoryEntry entry in entries.Where(e => hits.ContainsKey(e.Step)).OrderBy(e => e.Step))
        {
            entry.Hits = hits[entry.Step];
            memory.Insert(entry);
        }
        return memory;
    }

    public MemorySnapshot Snapshot() => new(LastWriteStep, _entries.Select(e => new MemorySnapshot.Held(e.Step, e.Hits)).ToArray(), [.. _stood.Places]);

    /// <summary>Offers the frame generated at <paramref name="step"/>; returns the new entry when the policy keeps it.</summary>
    public MemoryEntry? Remember(byte[] rgb, Pose pose, long step)
    {
        _stood.Add(pose);
        // The first view of a spot stays (since the world last changed there: WorldChanged). A later one is, in play,
        // the model's own and perhaps drifted: letting it replace the first would let the place drift with it, and a
        // revisit can only bring back what is kept.
        if (_policy.SameSpotCells > 0 && Nearest(pose, _policy.SameSpotCells, _sameSpotTurn, long.MaxValue) is not null)
        {
            return null;
        }
        MemoryEntry? nearest = Nearest(pose, _policy.NoveltyCells, _noveltyTurn, long.MaxValue);
        if (nearest is not null && step - LastWriteStep < _policy.EverySteps)
        {
            FrameCompare.Thumbnail(rgb, _width, _height, _thumbnail);
            if (FrameCompare.MeanAbsoluteDifference(_thumbnail, nearest.Thumbnail) <= _policy.FrameDifference)
            {
                return null;
            }
        }
        (byte[] encoded, byte[] decoded) = _frames.Store(rgb);
        bool landmark = !AnyWithin(pose, _policy.LandmarkCells);
        var entry = new MemoryEntry(step, pose, encoded, decoded, landmark);
        Insert(entry);
        LastWriteStep = step;
        _journal?.Added(entry);
        while ((_entries.Count > _policy.MaxEntries || Bytes > _policy.MaxBytes) && _entries.Count > 1)
        {
            Evict(LeastUseful(except: entry));
        }
        return entry;
    }

    /// <summary>
    /// The world changed (a paint from <paramref name="at"/>) and frame <paramref name="step"/> is the first to show
    /// it: forgets every held view from before that step that could show the changed spot (<see cref="ChangeSight"/>),
    /// evicted as the budget evicts, so that the first view since the change is the one that stays. Returns how many.
    /// </summary>
    public int WorldChanged(Pose at, long step)
    {
        // With the default policy every view within the novelty range of the painter's pose (0.2 cells, 15°) could
        // show the spot: its far end is under 8° + 15° off such a view's heading, inside the 43° half-angle. So none
        // is left to block the next frame there, whatever it looks like (WorldMemoryChangeTests): it is written.
        List<MemoryEntry> stale = _entries.Where(e => e.Step < step && ChangeSight.CouldShow(e.Pose, at, _policy)).ToList();
        foreach (MemoryEntry entry in stale)
        {
            Evict(entry);
        }
        return stale.Count;
    }

    /// <summary>
    /// Fills <paramref name="into"/> with the entries most useful at <paramref name="current"/>, best first: near in
    /// position and view direction, from before <paramref name="beforeStep"/>. Returns how many; allocates nothing.
    /// </summary>
    public int Recall(Pose current, long beforeStep, Span<MemoryEntry?> into)
    {
        Span<double> scores = stackalloc double[into.Length];
        int count = 0;
        foreach (List<MemoryEntry> cell in _grid.Near(current.X, current.Y, _policy.RecallCells))
        {
            foreach (MemoryEntry entry in cell)
            {
                if (entry.Step >= beforeStep)
                {
                    continue;
                }
                double score = Score(current, entry.Pose, _policy.RecallCells, _recallTurn);
                if (double.IsNaN(score))
                {
                    continue;
                }
                int at = count;
                while (at > 0 && Better(score, entry, scores[at - 1], into[at - 1]!))
                {
                    at--;
                }
                if (at >= into.Length)
                {
                    continue;
                }
                int last = Math.Min(count, into.Length - 1);
                for (int i = last; i > at; i--)
                {
                    (scores[i], into[i]) = (scores[i - 1], into[i - 1]);
                }
                (scores[at], into[at]) = (score, entry);
                count = Math.Min(count + 1, into.Length);
            }
        }
        for (int i = 0; i < count; i++)
        {
            into[i]!.Hits++;
        }
        return count;
    }

    /// <summary>The entry a revisit at <paramref name="pose"/> is compared with: the nearest within the revisit range, older than <paramref name="beforeStep"/>.</summary>
    public MemoryEntry? RevisitOf(Pose pose, long beforeStep) => Nearest(pose, _policy.RevisitCells, _revisitTurn, beforeStep);

    private MemoryEntry? Nearest(Pose pose, double cells, double turn, long beforeStep)
    {
        MemoryEntry? best = null;
        double bestScore = double.MaxValue;
        foreach (List<MemoryEntry> cell in _grid.Near(pose.X, pose.Y, cells))
        {
            foreach (MemoryEntry entry in cell)
            {
                double score = Score(pose, entry.Pose, cells, turn);
                if (entry.Step < beforeStep && !double.IsNaN(score) && (best is null || Better(score, entry, bestScore, best)))
                {
                    (best, bestScore) = (entry, score);
                }
            }
        }
        return best;
    }

    private bool AnyWithin(Pose pose, double cells)
    {
        foreach (List<MemoryEntry> cell in _grid.Near(pose.X, pose.Y, cells))
        {
            foreach (MemoryEntry entry in cell)
            {
                if (pose.DistanceTo(entry.Pose) <= cells)
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>
    /// The non-landmark retrieval used least (the oldest among equals); landmarks only when nothing else is left. Never
    /// <paramref name="except"/>, the memory just written, which has had no chance to be used yet.
    /// </summary>
    private MemoryEntry LeastUseful(MemoryEntry except)
    {
        MemoryEntry? worst = null;
        foreach (MemoryEntry entry in _entries)
        {
            if (entry == except)
            {
                continue;
            }
            if (worst is null || (entry.Landmark, entry.Hits, entry.Step).CompareTo((worst.Landmark, worst.Hits, worst.Step)) < 0)
            {
                worst = entry;
            }
        }
        return worst!;
    }

    private void Insert(MemoryEntry entry)
    {
        float[] thumbnail = new float[_thumbnail.Length];
        FrameCompare.Thumbnail(entry.Rgb, _width, _height, thumbnail);
        entry.Thumbnail = thumbnail;
        int at = _entries.Count;
        while (at > 0 && _entries[at - 1].Step > entry.Step)
        {
            at--;
        }
        _entries.Insert(at, entry);
        _grid.Add(entry);
        Bytes += entry.Encoded.Length;
    }

    private void Evict(MemoryEntry entry)
    {
        _entries.Remove(entry);
        _grid.Remove(entry);
        Bytes -= entry.Encoded.Length;
        _journal?.Evicted(entry);
    }

    private static bool Better(double score, MemoryEntry entry, double otherScore, MemoryEntry other) =>
        score < otherScore || (score == otherScore && entry.Step < other.Step);

    /// <summary>Distance in cells plus half a cell per radian of turn; NaN when out of range.</summary>
    private static double Score(Pose current, Pose stored, double maxCells, double maxTurn)
    {
        double distance = current.DistanceTo(stored), turn = Math.Abs(Angles.Wrap(stored.Heading - current.Heading));
        return distance > maxCells || turn > maxTurn ? double.NaN : distance + 0.5 * turn;
    }


    private static double Radians(double degrees) => degrees * Math.PI / 180;
}
