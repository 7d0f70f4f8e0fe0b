namespace WorldWeb.Server.Coherence;

/// <summary>Why the coherence guard rejected a generated frame.</summary>
public enum FrameFault
{
    None,
    /// <summary>NaN, infinite or far outside [0, 1].</summary>
    Invalid,
    /// <summary>Every pixel (nearly) the same.</summary>
    Blank,
    /// <summary>The same bytes as the frames before.</summary>
    Frozen,
    /// <summary>Frame-to-frame similarity or the revisit score fell off a cliff.</summary>
    Collapse,
}
