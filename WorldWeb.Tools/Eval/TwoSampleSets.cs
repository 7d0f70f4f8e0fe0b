namespace WorldWeb.Tools.Eval;

/// <summary>
/// Two sets of RGB24 frames for a classifier two-sample test. Each frame carries an episode — frames of one episode
/// are never split between training and testing, since neighbouring frames of a walk nearly repeat — and a group,
/// by which the classifier's accuracy is broken down (here: policy and window).
/// </summary>
public sealed class TwoSampleSets
{
    public List<byte[]> A { get; } = [];
    public List<byte[]> B { get; } = [];
    public List<long> EpisodesA { get; } = [];
    public List<long> EpisodesB { get; } = [];
    public List<long> GroupsA { get; } = [];
    public List<long> GroupsB { get; } = [];

    /// <summary>Frames a side (the larger side where they differ).</summary>
    public int Count => Math.Max(A.Count, B.Count);

    public void Add(IReadOnlyList<byte[]> a, IReadOnlyList<byte[]> b, int episode, int group)
    {
        A.AddRange(a);
        B.AddRange(b);
        EpisodesA.AddRange(Enumerable.Repeat((long)episode, a.Count));
        EpisodesB.AddRange(Enumerable.Repeat((long)episode, b.Count));
        GroupsA.AddRange(Enumerable.Repeat((long)group, a.Count));
        GroupsB.AddRange(Enumerable.Repeat((long)group, b.Count));
    }
}
