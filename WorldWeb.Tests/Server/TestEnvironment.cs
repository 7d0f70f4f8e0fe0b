using System.Diagnostics;
using WorldWeb.Inference.Packages;
using WorldWeb.Tests.Inference;

namespace WorldWeb.Tests.Server;

/// <summary>
/// The real PostgreSQL and the real model package the server tests run on. ./worldweb test starts a throwaway
/// cluster and sets <see cref="DatabaseVariable"/>; run by hand without it, the tests start the same private
/// cluster under .data/postgres-tests themselves.
/// </summary>
public static class TestEnvironment
{
    public const string DatabaseVariable = "WORLDWEB_TEST_DB";

    private static readonly Lazy<string> LazyConnectionString = new(FindDatabase);

    public static string ConnectionString => LazyConnectionString.Value;

    /// <summary>WORLDWEB_TEST_MODEL (set by ./worldweb test) or models/default.</summary>
    public static string ModelFolder
    {
        get
        {
            string? folder = Environment.GetEnvironmentVariable(DefaultModelTests.ModelVariable);
            if (string.IsNullOrWhiteSpace(folder))
            {
                string? root = Fixtures.RepositoryRoot();
                folder = root is null ? null : Path.Combine(root, "models", "default");
            }
            return folder is not null && File.Exists(Path.Combine(folder, ModelManifest.FileName))
                ? folder
                : throw new InvalidOperationException(
                    $"The server tests need a real model package: set {DefaultModelTests.ModelVariable} or add models/default. ./worldweb test trains a tiny one.");
        }
    }

    /// <summary>
    /// The shipped model, models/default: for tests whose subject needs a model that plays coherently (a few training
    /// steps make a model whose every frame is new noise, and a fault of noise does not stand out from that).
    /// </summary>
    public static string ShippedModelFolder => Path.Combine(RepositoryRoot, "models", "default");

    public static string RepositoryRoot =>
        Fixtures.RepositoryRoot() ?? throw new InvalidOperationException("the server tests run inside the repository");

    private static string FindDatabase()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(DatabaseVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }
        string root = RepositoryRoot;
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "scripts", "postgres.sh"), "start", Path.Combine(root, ".data", "postgres-tests"), "worldweb_tests"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 && output.Trim().Length > 0
            ? output.Trim()
            : throw new InvalidOperationException(
                $"No test database: {DatabaseVariable} is not set and scripts/postgres.sh could not start one ({errors.Trim()}). Run ./worldweb test.");
    }
}
