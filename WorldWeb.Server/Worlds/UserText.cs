namespace WorldWeb.Server.Worlds;

/// <summary>
/// Names people give things (a world's title, a save's name, an email): shown to others and stored in PostgreSQL, which
/// refuses NUL in text (a 500 with two stack traces until this was checked). Control characters have no place in any.
/// </summary>
public static class UserText
{
    public static bool HasControlCharacters(string text) => text.Any(char.IsControl);
}
