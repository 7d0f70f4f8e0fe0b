using System.Diagnostics;

namespace WorldWeb.Tools.Eval;

/// <summary>
/// Free play beside the reference world under the same actions, per window of <see cref="FreePlay.WindowEdgesSeconds"/>:
/// colour over every frame (<see cref="ColourMeasures"/>), and frames sampled evenly in each window for a classifier
/// two-sample test (<see cref="TwoSampleTest"/>). Each measure has a real-against-real control: the reference world's
/// frames of the even rollouts of each seed and policy against those of the odd ones.
/// </summary>
public sealed class FreePlayFidelity(int fps, int samplesPerWindow = FreePlayFidelity.DefaultSamplesPerWindow)
{
    /// <summary>
    /// Frames per window and rollout for the classifier: every 1.25 s of the 60–100 s window. Twice as many told 0.2.4
    /// from the world a little better (0.975 against 0.963) in twice the time.
    /// </summary>
    public const int DefaultSamplesPerWindow = 32;

    /// <summary>
    /// The control's folds are dealt three times: with 8 pairs of rollouts, single deals of 0.2.4's frames scored
    /// 0.49–0.53 overall and 0.46–0.58 in a window (seeds 0–2); the control is the cheap half of the test.
    /// </summary>
    public const int ControlRepeats = 3;

    private static int WindowCount => FreePlay.WindowEdgesSeconds.Length - 1;

    private readonly List<PlayedRollout> rollouts = [];
    private readonly List<string> policies = [];
    private (TwoSampleResult Test, TwoSampleResult Control)? tested;

    /// <summary>The classifier two-sample test's summary, once <see cref="TestApart"/> has run (or said why it could not).</summary>
    public TwoSampleReport? TwoSample { get; private set; }

    public void Add(string policy, int seed, IReadOnlyList<byte[]> generated, IReadOnlyList<byte[]> reference)
    {
        if (!policies.Contains(policy)) policies.Add(policy);
        var windows = new List<WindowFrames>();
        for (var w = 0; w < WindowCount; w++)
        {
            var from = (int)(FreePlay.WindowEdgesSeconds[w] * fps);
            var to = Math.Min((int)(FreePlay.WindowEdgesSeconds[w + 1] * fps), Math.Min(generated.Count, reference.Count));
            if (from >= to) break;
            var picked = Spread(from, to, samplesPerWindow);
            windows.Add(new WindowFrames(
                ColourTally.Of(generated.Skip(from).Take(to - from)), ColourTally.Of(reference.Skip(from).Take(to - from)),
                picked.Select(i => generated[i]).ToList(), picked.Select(i => reference[i]).ToList()));
        }
        rollouts.Add(new PlayedRollout(policy, seed, rollouts.Count(r => r.Policy == policy && r.Seed == seed),
            Math.Min(generated.Count, reference.Count), windows));
    }

    /// <summary>Adds colour (and, once tested, the classifier's accuracy) to the windows of <see cref="FreePlay.Windows"/>.</summary>
    public Dictionary<string, List<PlayWindow>> Annotate(Dictionary<string, List<PlayWindow>> windows, bool reference = false) =>
        windows.ToDictionary(p => p.Key, p => p.Value.Select(window => Annotate(p.Key, window, reference)).ToList());

    private PlayWindow Annotate(string policy, PlayWindow window, bool reference)
    {
        var w = Array.IndexOf(FreePlay.WindowEdgesSeconds, window.FromS);
        var played = rollouts.Where(r => r.Policy == policy && w >= 0 && w < r.Windows.Count).ToList();
        if (played.Count == 0) return window;
        var world = ColourTally.Sum(played.Select(r => r.Windows[w].Reference));
        if (reference) return window with { ColourfulShare = Round(world.ColourfulShare) };
        var model = ColourTally.Sum(played.Select(r => r.Windows[w].Generated));
        var even = ColourTally.Sum(played.Where(r => r.Index % 2 == 0).Select(r => r.Windows[w].Reference));
        var odd = ColourTally.Sum(played.Where(r => r.Index % 2 == 1).Select(r => r.Windows[w].Reference));
        var group = Group(policy, w);
        return window with
        {
            ColourfulShare = Round(model.ColourfulShare),
            ColourTvd = Round(model.DistanceTo(world)),
            ColourTvdControl = odd.Pixels > 0 ? Round(even.DistanceTo(odd)) : null,
            C2stAccuracy = tested?.Test.Accuracy([group]),
            C2stControl = tested?.Control.Accuracy([group]),
        };
    }

    /// <summary>
    /// A classifier tells the model's frames from the world's under the same actions (each rollout one episode), and,
    /// as its control, the world's frames of even rollouts from those of odd ones (each pair one episode).
    /// </summary>
    public void TestApart(TwoSampleTest test)
    {
        if (rollouts.Count == 0)
        {
            SkipTest("no free play to test");
            return;
        }
        var clock = Stopwatch.StartNew();
        var model = new TwoSampleSets();
        var control = new TwoSampleSets();
        foreach (var (rollout, episode) in rollouts.Select((r, i) => (r, i)))
            for (var w = 0; w < rollout.Windows.Count; w++)
                model.Add(rollout.Windows[w].GeneratedSamples, rollout.Windows[w].ReferenceSamples, episode, Group(rollout.Policy, w));
        var pairs = rollouts.Where(r => r.Index % 2 == 0)
            .Select(r => (Even: r, Odd: rollouts.FirstOrDefault(o => o.Policy == r.Policy && o.Seed == r.Seed && o.Index == r.Index + 1)))
            .Where(p => p.Odd is not null).ToList();
        foreach (var ((even, odd), pair) in pairs.Select((p, i) => (p, i)))
            for (var w = 0; w < Math.Min(even.Windows.Count, odd!.Windows.Count); w++)
                control.Add(even.Windows[w].ReferenceSamples, odd.Windows[w].ReferenceSamples, pair, Group(even.Policy, w));

        Console.WriteLine($"eval: classifier two-sample test: model against the world, {rollouts.Count} rollouts, {model.Count} frames a side …");
        var result = test.Run(model);
        Console.WriteLine($"eval: classifier two-sample test: control, the world against itself, {pairs.Count} pairs of rollouts, {ControlRepeats} deals …");
        var controlResult = result.Error is null ? test.Run(control, ControlRepeats) : result;
        var played = rollouts.Max(r => r.Steps) / (double)fps;
        var windows = Enumerable.Range(0, WindowCount)
            .Where(w => result.Error is null && rollouts.Any(r => r.Windows.Count > w))
            .Select(w => new TwoSampleWindow(FreePlay.WindowEdgesSeconds[w], Math.Min(FreePlay.WindowEdgesSeconds[w + 1], played),
                result.Accuracy(policies.Select(p => Group(p, w))), controlResult.Accuracy(policies.Select(p => Group(p, w)))))
            .ToList();
        tested = (result, controlResult);
        TwoSample = new TwoSampleReport(result.Accuracy(), controlResult.Accuracy(), windows, rollouts.Count, pairs.Count,
            model.Count, Math.Round(clock.Elapsed.TotalSeconds, 1),
            result.Error ?? (controlResult.Error is { } error ? $"control: {error}" : null));
    }

    /// <summary>Says why there is no test (switched off, or no Python with torch).</summary>
    public void SkipTest(string why) => TwoSample = new TwoSampleReport(null, null, [], rollouts.Count, 0, 0, 0, why);

    /// <summary>One number per policy and window, the way the classifier's accuracy is broken down.</summary>
    private int Group(string policy, int window) => policies.IndexOf(policy) * WindowCount + window;

    /// <summary><paramref name="count"/> indices spread evenly over [from, to), each in the middle of its share.</summary>
    public static List<int> Spread(int from, int to, int count) => to - from <= count
        ? Enumerable.Range(from, to - from).ToList()
        : Enumerable.Range(0, count).Select(j => from + (int)((2L * j + 1) * (to - from) / (2L * count))).ToList();

    private static double Round(double value) => Math.Round(value, 3);

    private sealed record PlayedRollout(string Policy, int Seed, int Index, int Steps, List<WindowFrames> Windows);

    private sealed record WindowFrames(ColourTally Generated, ColourTally Reference, List<byte[]> GeneratedSamples, List<byte[]> ReferenceSamples);
}
