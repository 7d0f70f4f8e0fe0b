namespace WorldWeb.Tests;

/// <summary>
/// Test categories, so a developer can run the fast ones alone: <c>dotnet test --filter Category=unit</c> needs
/// nothing but the test model; <c>postgres</c> needs the test database (WORLDWEB_TEST_DB); <c>browser</c> also
/// Chromium; <c>perf</c> tests measure fps under load and want an otherwise idle machine. CI runs them all.
/// </summary>
public static class Category
{
    public const string Name = "Category";
    public const string Unit = "unit";
    public const string Postgres = "postgres";
    public const string Browser = "browser";
    public const string Perf = "perf";
}
