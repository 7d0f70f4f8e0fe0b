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
    /// <summary>Marks the wall face ahead within reach (<see cref="Painting.WallMarks"/>); a press, not a hold.</summary>
    Paint = 7,
}

public static class WorldActions
{
    public const int Count = 8;

    /// <summary>Snake-case names as they appear in shards and model manifests.</summary>
    public static readonly IReadOnlyList<string> Names =
        ["noop", "forward", "backward", "turn_left", "turn_right", "strafe_left", "strafe_right", "paint"];

    /// <summary>Actions applied once per key press rather than at every step while a key is held.</summary>
    public static readonly IReadOnlyList<string> Presses = ["paint"];

    /// <summary>Actions that change the world itself (what players did to it), not just where the agent stands.</summary>
    public static readonly IReadOnlyList<string> ChangesWorld = ["paint"];

    public static WorldAction Parse(string name)
    {
        var index = Names.ToList().IndexOf(name.Trim());
        return index >= 0
            ? (WorldAction)index
            : throw new FormatException($"Unknown action '{name}'. Known actions: {string.Join(", ", Names)}.");
    }
}
