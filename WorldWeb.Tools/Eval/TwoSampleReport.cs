namespace WorldWeb.Tools.Eval;

/// <summary>
/// The classifier two-sample test over all free play: balanced accuracy on held-out episodes of the model's frames
/// against the world's under the same actions, and of the control (the world's own frames of two halves of the
/// rollouts); per window, pooled over policies. <see cref="Note"/> says why numbers are missing.
/// </summary>
public sealed record TwoSampleReport(double? Accuracy, double? Control, IReadOnlyList<TwoSampleWindow> Windows,
    int Rollouts, int ControlPairs, int FramesPerSide, double Seconds, string? Note);

public sealed record TwoSampleWindow(double FromS, double ToS, double? Accuracy, double? Control);
