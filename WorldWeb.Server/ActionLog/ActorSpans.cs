using System.Text.Json;

namespace WorldWeb.Server.ActionLog;

/// <summary>
/// Who sent a chunk's actions, stored as the points where the sender changes: JSON <c>[[offset, who], …]</c> beside
/// the chunk's one byte a step, so naming the player costs a few bytes a chunk, not a string a step.
/// </summary>
public static class ActorSpans
{
    /// <summary>Null when nobody is named anywhere in the chunk.</summary>
    public static string? Encode(IReadOnlyList<string?> whos)
    {
        if (whos.All(w => w is null))
        {
            return null;
        }
        var spans = new List<object?[]>();
        for (int i = 0; i < whos.Count; i++)
        {
            if (i == 0 || whos[i] != whos[i - 1])
            {
                spans.Add([i, whos[i]]);
            }
        }
        return JsonSerializer.Serialize(spans);
    }

    /// <summary>Who sent each of the chunk's <paramref name="length"/> actions; nulls where nobody is named or the JSON is not ours.</summary>
    public static string?[] Decode(string? json, int length)
    {
        var whos = new string?[length];
        if (json is null)
        {
            return whos;
        }
        try
        {
            using JsonDocument spans = JsonDocument.Parse(json);
            var points = spans.RootElement.EnumerateArray()
                .Select(p => (Offset: p[0].GetInt32(), Who: p[1].ValueKind == JsonValueKind.String ? p[1].GetString() : null))
                .Where(p => p.Offset >= 0 && p.Offset < length).OrderBy(p => p.Offset).ToArray();
            for (int k = 0; k < points.Length; k++)
            {
                int end = k + 1 < points.Length ? points[k + 1].Offset : length;
                Array.Fill(whos, points[k].Who, points[k].Offset, end - points[k].Offset);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or IndexOutOfRangeException)
        {
            // A row not written by this code: its senders stay unknown, its actions still replay.
        }
        return whos;
    }
}
