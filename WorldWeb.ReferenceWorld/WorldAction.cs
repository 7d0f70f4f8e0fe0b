namespace WorldWeb.ReferenceWorld;

/// <summary>The player's discrete actions, in the order the models' action inputs use.</summary>
public enum WorldAction
{
    Noop = 0,
    Forward = 1,
    Backward = 2,
    TurnLeft = 3,
    TurnRight = 4,
    StrafeLeft = 5,
    StrafeRight = 6,
}

public static class WorldActions
{
    public const int Count = 7;

    /// <summary>Snake-case names as they appear in shards and model manifests.</summary>
    public static readonly IReadOnlyList<string> Names =
        ["noop", "forward", "backward", "turn_left", "turn_right", "strafe_left", "strafe_right"];

    public static WorldAction Parse(string name)
    {
        var index = Names.ToList().IndexOf(name.Trim());
        return index >= 0
            ? (WorldAction)index
            : throw new FormatException($"Unknown action '{name}'. Known actions: {string.Join(", ", Names)}.");
    }
}
