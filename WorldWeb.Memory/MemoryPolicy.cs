using System.ComponentModel.DataAnnotations;

namespace WorldWeb.Memory;

/// <summary>
/// When a world writes a memory, what it keeps, and what retrieval returns. Every rule is a function of the world's
/// own history (steps, poses, frames), never of time or load, so a replay writes the same memories.
/// </summary>
public sealed class MemoryPolicy
{
    public const string SectionName = "Memory";

    // Dense enough that a place is remembered from within a step or two of anywhere the player stood: the model
    // brings back a memory only from (nearly) where the player is (docs/model-card.md, "Memory").
    /// <summary>Write when no memory lies within this many cells (at a similar heading).</summary>
    [Range(0.05, 100)]
    public double NoveltyCells { get; set; } = 0.2;

    /// <summary>… or within this many degrees of heading.</summary>
    [Range(1, 180)]
    public double NoveltyDegrees { get; set; } = 15;

    /// <summary>
    /// Write when the frame differs from the nearest memory by more than this: the mean absolute difference (0–255)
    /// of their 8×8-cell thumbnails, which sampling noise and JPEG artefacts do not move.
    /// </summary>
    [Range(1, 255)]
    public double FrameDifference { get; set; } = 24;

    /// <summary>Write at least every this many steps.</summary>
    [Range(1, 1_000_000)]
    public int EverySteps { get; set; } = 200;

    /// <summary>A memory with no other within this many cells is a landmark.</summary>
    [Range(0.1, 100)]
    public double LandmarkCells { get; set; } = 2.0;

    /// <summary>Nothing is written this close (cells and degrees) to a held memory: the first view of a spot stays. 0: no such rule.</summary>
    [Range(0, 10)]
    public double SameSpotCells { get; set; } = 0.05;

    [Range(0, 180)]
    public double SameSpotDegrees { get; set; } = 5;

    [Range(1, 1_000_000)]
    public int MaxEntries { get; set; } = 512;

    [Range(1024, 1L << 34)]
    public long MaxBytes { get; set; } = 2_000_000;

    /// <summary>
    /// How frames are stored: by default as the model's codebook tokens where its package carries the codebook (what the
    /// model reads of a memory, in a fraction of a JPEG's bytes), else as JPEG (<see cref="MemoryFrameFormat"/>). Saves
    /// store their frames as tokens too unless this says JPEG or PNG. Tokens can only be read with the codebook they
    /// were written with: a world whose model's package gets another codebook is refused at open.
    /// </summary>
    public MemoryFrameFormat FrameFormat { get; set; } = MemoryFrameFormat.Auto;

    /// <summary>JPEG quality of frames stored as JPEG.</summary>
    [Range(10, 100)]
    public int FrameQuality { get; set; } = 70;

    // Retrieval follows the rule the training pipeline samples memories by (training/worldweb_training/data.py).
    [Range(0.05, 100)]
    public double RecallCells { get; set; } = 1.0;

    [Range(1, 180)]
    public double RecallDegrees { get; set; } = 30;

    /// <summary>A recalled memory is at least this many steps older than the oldest context frame.</summary>
    [Range(0, 1000)]
    public int RecallGap { get; set; } = 4;

    // What a change to the world (a paint) could have been seen from (ChangeSight): memory forgets those views.
    /// <summary>
    /// Horizontal field of view of the world's frames, in degrees. The server cannot know the model's: 66 is the
    /// reference world's, which the models learn from.
    /// </summary>
    [Range(1, 150)]
    public double FieldOfViewDegrees { get; set; } = 66;

    /// <summary>Degrees added to each side of the field of view when deciding what a view could show: the tracked pose's error.</summary>
    [Range(0, 15)]
    public double ChangeMarginDegrees { get; set; } = 10;

    /// <summary>A change further than this many cells from a view is kept in it: a whole wall face there is ~8 of 64 pixels wide.</summary>
    [Range(0.5, 100)]
    public double ChangeViewCells { get; set; } = 6;

    /// <summary>A step whose pose lies this close to a memory is a revisit, scored by PSNR against it.</summary>
    [Range(0.01, 10)]
    public double RevisitCells { get; set; } = 0.3;

    [Range(1, 180)]
    public double RevisitDegrees { get; set; } = 15;

    /// <summary>… and that memory is at least this many steps old (coming back, not standing still).</summary>
    [Range(1, 1_000_000)]
    public int RevisitMinSteps { get; set; } = 60;
}
