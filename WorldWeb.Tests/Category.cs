namespace WorldWeb.Tests;

/// <summary>
/// Test categories, so a developer can run the fast ones alone: <c>dotnet test --filter Category=unit</c> needs
/// nothing but the test model; <c>postgres</c> needs the test database (WORLDWEB_TEST_DB); <c>browser</c> also
/// Chromium; <c>perf</c> tests bar a time or a rate (fps under load, a failover's seconds) and want an otherwise idle
/// machine: they are <see cref="PerfFactAttribute"/>s, skipped unless WORLDWEB_PERF=1, so CI skips them and runs
/// all the others. Each perf test sits beside a functional test of the same behaviour, which CI runs.
/// </summary>
public static class Category
{
    public const string Name = "Category";
    public const string Unit = "unit";
    public const string Postgres = "postgres";
    public const string Browser = "browser";
    public const string Perf = "perf";
}
