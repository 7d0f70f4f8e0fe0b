using System.ComponentModel.DataAnnotations;

namespace WorldWeb.Server.Coherence;

/// <summary>Bound from the <c>Coherence</c> section: when the guard calls a generated frame garbage.</summary>
public sealed class CoherenceOptions
{
    public const string SectionName = "Coherence";

    public bool GuardEnabled { get; set; } = true;

    /// <summary>A world keeps its last good state from every this many steps to roll back to.</summary>
    [Range(1, 10_000)]
    public int CheckpointEverySteps { get; set; } = 20;

    /// <summary>A frame whose pixels have a standard deviation below this (0–255) is blank.</summary>
    [Range(0, 50)]
    public double BlankStdDev { get; set; } = 1.0;

    /// <summary>This many byte-identical frames after another while the tracked pose moves are frozen.</summary>
    [Range(1, 100)]
    public int FrozenRepeats { get; set; } = 2;

    /// <summary>A float output further than this outside [0, 1] is out of range.</summary>
    [Range(0, 10)]
    public double RangeTolerance { get; set; } = 0.25;

    /// <summary>Frame-to-frame PSNR this many dB under its running mean (and under <see cref="CollapsePsnr"/>) is a collapse.</summary>
    [Range(1, 100)]
    public double CollapseDropDb { get; set; } = 12;

    [Range(1, 100)]
    public double CollapsePsnr { get; set; } = 12;
}
