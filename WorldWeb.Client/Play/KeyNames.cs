namespace WorldWeb.Client.Play;

/// <summary>Short labels for <c>KeyboardEvent.code</c> values in the key help ("KeyW" → "W", "ArrowUp" → "↑").</summary>
public static class KeyNames
{
    public static string Label(string code) => code switch
    {
        "ArrowUp" => "↑",
        "ArrowDown" => "↓",
        "ArrowLeft" => "←",
        "ArrowRight" => "→",
        "Space" => "Space",
        _ when code.StartsWith("Key", StringComparison.Ordinal) && code.Length == 4 => code[3..],
        _ when code.StartsWith("Digit", StringComparison.Ordinal) && code.Length == 6 => code[5..],
        _ when code.EndsWith("Left", StringComparison.Ordinal) => code[..^4],
        _ when code.EndsWith("Right", StringComparison.Ordinal) => code[..^5],
        _ => code,
    };
}
