using System.Text.Json;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Server.Clips;

/// <summary>
/// A clip's events file, JSON Lines: one <see cref="ClipEvent"/> per frame of the video, in order. The time is the
/// frame's in the video, so a line and the frame it describes are found from each other.
/// </summary>
public sealed class ClipEvents(long fromStep, double fps, IReadOnlyList<ActionInfo> actions)
{
    public const string ContentType = "application/jsonl";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly MemoryStream _lines = new();

    /// <param name="action">The logged action that made the step; null when none did (a world's first step).</param>
    /// <param name="who">Who sent it (<c>owner</c> or <c>player-…</c>, Worlds/Actors); null when nobody is named (steps logged before names were, or after the player left).</param>
    public void Add(long step, byte? action, string? who)
    {
        string? name = action is { } a ? (a < actions.Count ? actions[a].Name : a.ToString(System.Globalization.CultureInfo.InvariantCulture)) : null;
        double time = Math.Round((step - fromStep) / fps, 3);
        JsonSerializer.Serialize(_lines, new ClipEvent(step, time, name, who), Json);
        _lines.WriteByte((byte)'\n');
    }

    public byte[] ToArray() => _lines.ToArray();
}
