using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WorldWeb.Inference.Runtime;
using WorldWeb.Persistence;

namespace WorldWeb.Tests.Server;

/// <summary><c>bench serve</c>: the real server process, the test database and model, worlds read by in-memory viewers.</summary>
[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class ServeBenchCommandTests(WorldWebFactory factory)
{
    [Fact]
    public async Task BenchServe_ReportsEveryDocumentedKey_AndLeavesNoWorldBehind()
    {
        string json = Path.Combine(Directory.CreateTempSubdirectory("worldweb-bench-").FullName, "serve.json");

        (int exitCode, string output) = await RunAsync("--worlds", "3", "--seconds", "1", "--json", json);

        Assert.True(exitCode == 0, output);
        using JsonDocument result = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        JsonElement root = result.RootElement;
        Assert.Equal("serve", root.GetProperty("benchmark").GetString());
        Assert.Equal(3, root.GetProperty("worlds").GetInt32());
        Assert.Equal(CpuFeatures.Name, root.GetProperty("cpu").GetString());
        Assert.True(root.GetProperty("fps_per_world").GetProperty("mean").GetDouble() > 0, output);
        Assert.InRange(root.GetProperty("max_worlds_at_fps").GetInt32(), 0, 3);
        JsonElement tick = root.GetProperty("tick_ms");
        Assert.True(tick.GetProperty("p99").GetDouble() >= tick.GetProperty("p50").GetDouble());
        Assert.Equal(["fill", "step", "advance", "log", "wait", "encode", "publish"],
            tick.GetProperty("parts").EnumerateObject().Select(p => p.Name));
        Assert.True(tick.GetProperty("parts").GetProperty("step").GetProperty("p50").GetDouble() > 0);
        int[] staged = [.. root.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("worlds").GetInt32())];
        Assert.Contains(1, staged);
        Assert.Contains(3, staged);
        await using WorldWebDbContext db = await factory.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Worlds.AnyAsync(w => w.OwnerId.StartsWith("bench-serve-")), "the benchmark's worlds were not deleted");
    }

    [Fact]
    public async Task BenchServe_WithAClip_RendersItAloneAndBesideTheWorlds()
    {
        string json = Path.Combine(Directory.CreateTempSubdirectory("worldweb-bench-").FullName, "serve.json");

        (int exitCode, string output) = await RunAsync("--worlds", "1", "--seconds", "1", "--clip-steps", "40", "--json", json);

        Assert.True(exitCode == 0, output);
        using JsonDocument result = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        JsonElement clip = result.RootElement.GetProperty("clip");
        Assert.Equal(40, clip.GetProperty("steps").GetInt32());
        Assert.True(clip.GetProperty("bytes").GetInt64() > 0);
        Assert.True(clip.GetProperty("steps_per_second_alone").GetDouble() > 0);
        Assert.Equal(1, clip.GetProperty("worlds_beside").GetInt32());
        Assert.True(clip.GetProperty("fps_per_world_beside").GetProperty("mean").GetDouble() > 0, output);
        Assert.True(clip.GetProperty("fps_per_world_after").GetProperty("mean").GetDouble() > 0, output);
        await using WorldWebDbContext db = await factory.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Worlds.AnyAsync(w => w.OwnerId.StartsWith("bench-serve-")), "the benchmark's worlds were not deleted");
    }

    [Theory]
    [InlineData("stream")]
    [InlineData("poll")]
    public async Task BenchServe_WithLobbyVisitors_ReportsTheLobbysCostBesideOneMoreWorlds(string mode)
    {
        string json = Path.Combine(Directory.CreateTempSubdirectory("worldweb-bench-").FullName, "serve.json");

        (int exitCode, string output) = await RunAsync("--worlds", "1", "--seconds", "1", "--lobby-visitors", "5", "--lobby-mode", mode, "--json", json);

        Assert.True(exitCode == 0, output);
        using JsonDocument result = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        JsonElement lobby = result.RootElement.GetProperty("lobby");
        Assert.Equal((5, mode, 1), (lobby.GetProperty("visitors").GetInt32(), lobby.GetProperty("mode").GetString(), lobby.GetProperty("worlds").GetInt32()));
        Assert.True(lobby.GetProperty("worlds_cores").GetDouble() > 0, output);
        // Each cost is the median of the rounds' differences from their worlds-only stage (rounded to 3 places, as each stage is).
        double[] Rounds(string name) => [.. lobby.GetProperty(name).EnumerateArray().Select(x => x.GetDouble())];
        double[] alone = Rounds("worlds_cores_by_round"), withLobby = Rounds("worlds_and_lobby_cores_by_round"), oneMore = Rounds("one_more_world_cores_by_round");
        Assert.Equal(5, alone.Length);
        double MedianOver(double[] stage) => stage.Zip(alone, (x, y) => x - y).Order().ElementAt(2);
        Assert.InRange(lobby.GetProperty("lobby_cores").GetDouble() - MedianOver(withLobby), -0.0015, 0.0015);
        Assert.InRange(lobby.GetProperty("one_more_world_cores").GetDouble() - MedianOver(oneMore), -0.0015, 0.0015);
        Assert.Equal(withLobby.Zip(oneMore).Count(r => r.First < r.Second), lobby.GetProperty("rounds_lobby_below_world").GetInt32());
        // Five pages, each reading as the page does: the world steps, so each reads a new snapshot about once a second.
        double expected = 5 / WorldWeb.Client.Lobby.LiveWorlds.RefreshEvery.TotalSeconds;
        if (mode == "stream")
        {
            JsonElement streams = lobby.GetProperty("streams");
            Assert.Equal(JsonValueKind.Null, lobby.GetProperty("polls").ValueKind);
            Assert.Equal(5, streams.GetProperty("streams").GetInt32());
            Assert.InRange(streams.GetProperty("snapshots_per_second").GetDouble(), 0.5 * expected, 1.5 * expected);
            Assert.True(streams.GetProperty("lag_ms_p50").GetDouble() > 0, output);
            Assert.True(streams.GetProperty("kib_per_second").GetDouble() > 0, output);
        }
        else
        {
            JsonElement polls = lobby.GetProperty("polls");
            Assert.Equal(JsonValueKind.Null, lobby.GetProperty("streams").ValueKind);
            Assert.InRange(polls.GetProperty("polls_per_second").GetDouble(), 0.5 * expected, 1.5 * expected);
            Assert.True(polls.GetProperty("kib_per_second").GetDouble() > 0, output);
        }
        await using WorldWebDbContext db = await factory.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Worlds.AnyAsync(w => w.OwnerId.StartsWith("bench-serve-")), "the benchmark's worlds were not deleted");
    }

    [Theory]
    [InlineData("--worlds 0", "--worlds N is required")]
    [InlineData("--worlds 2 --lobby-visitors 0", "--lobby-visitors V is a whole number from 1 to 10000")]
    [InlineData("--worlds 2 --lobby-visitors 5 --lobby-mode push", "--lobby-mode is stream or poll")]
    [InlineData("--worlds 2 --clip-steps 0", "--clip-steps C is a whole number from 1 to 1000000")]
    [InlineData("--worlds 2 --seconds 0.5", "--seconds S is a number from 1 to 600")]
    [InlineData("--worlds 2 --provider tpu", "--provider is cpu or cuda")]
    [InlineData("--worlds 2 --fast", "unknown or incomplete option '--fast'")]
    public async Task BenchServe_BadArguments_AreAUsageError(string arguments, string message)
    {
        (int exitCode, string output) = await RunAsync(arguments.Split(' '));

        Assert.Equal(2, exitCode);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.Contains("usage: bench serve", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        string folder = Path.GetDirectoryName(ServerProcess.DllPath)!;
        var start = new ProcessStartInfo("dotnet", [ServerProcess.DllPath, "bench", "serve", .. arguments])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ConnectionStrings__WorldWeb"] = TestEnvironment.ConnectionString;
        start.Environment["Models__Packages__0"] = TestEnvironment.ModelFolder;
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
