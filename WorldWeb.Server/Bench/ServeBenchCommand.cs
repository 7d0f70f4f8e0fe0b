using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WorldWeb.Persistence;
using WorldWeb.Server.LocalWorlds;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Worlds;

namespace WorldWeb.Server.Bench;

/// <summary>
/// <c>WorldWeb.Server bench serve --worlds N [--seconds S] [--json OUT]</c> (what <c>./worldweb bench serve</c> runs):
/// the whole server tick in this process, with no network. It starts the real server (database, schedulers, memory,
/// action log, encoder), opens N worlds of the default model, holds keys in each and reads their frames from
/// in-memory viewers, in stages of more and more watched worlds; it reports each stage's fps per world and tick
/// parts, and the most worlds that keep 95% of the model's fps. A command-line program, so it talks to the console.
/// </summary>
public static class ServeBenchCommand
{
    /// <summary>A stage holds the model's fps when its worlds get at least this share of it (as bench load counts).</summary>
    public const double HoldsShare = 0.95;

    public static bool Matches(string[] args) => args is ["bench", "serve", ..];

    /// <summary>Server settings for a bench: no limit on live worlds, none unloaded for idling, Kestrel on a free loopback port.</summary>
    public static Dictionary<string, string?> Settings(string[] args)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Worlds:MaxLiveWorlds"] = "100000",
            ["Worlds:MaxLiveWorldsPerOwner"] = "100000",
            ["Worlds:IdleUnloadSeconds"] = "86400",
            ["urls"] = "http://127.0.0.1:0",
            // A cluster of its own, on a free silo port, so a server running beside it is not disturbed.
            ["Cluster:Id"] = $"bench-{Environment.ProcessId}",
            ["Cluster:SiloPort"] = "0",
            ["Metrics:Port"] = null,
            // The lobby's simulated visitors all come from loopback: one address's request and stream limits would stop them.
            ["Safety:ApiRequestsPerSecondPerIp"] = "100000",
            ["Safety:MaxLobbyStreamsPerIp"] = "100000",
            ["Safety:MaxLobbyStreams"] = "100000",
            ["Logging:LogLevel:Default"] = "Warning",
            // EF logs the first migration's probe of a missing history table as a failure; the command reports real ones.
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Critical",
        };
        if (ServeBenchOptions.TryParse(args, out ServeBenchOptions? options, out _))
        {
            if (options.Provider is { } provider)
            {
                settings["Inference:ExecutionProvider"] = provider;
            }
            if (options.Precision is { } precision)
            {
                settings["Inference:Precision"] = precision;
            }
        }
        return settings;
    }

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        if (!ServeBenchOptions.TryParse(args, out ServeBenchOptions? options, out string? error))
        {
            await Console.Error.WriteLineAsync($"error: {error}\n{ServeBenchOptions.Usage}");
            return 2;
        }
        await using (WorldWebDbContext db = await app.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>().CreateDbContextAsync())
        {
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async () => await db.Database.MigrateAsync());
        }
        await app.StartAsync();
        LoadedModel model = app.Services.GetRequiredService<ModelCatalog>().All[0];
        var store = app.Services.GetRequiredService<WorldStore>();
        var directory = app.Services.GetRequiredService<WorldDirectory>();
        string owner = $"bench-serve-{Guid.NewGuid():N}";
        var worlds = new BenchWorlds(model);
        try
        {
            Console.Error.WriteLine($"bench serve: opening {options.Worlds} worlds of model {model.Name} ({model.Package.ExecutionProvider}, {model.Package.Precision}, {model.Manifest.Fps} fps, " +
                $"contexts {model.Package.Contexts})");
            // With a lobby to measure: public worlds (the lobby lists only those), and one more for the stage it is set against.
            int opened = options.Worlds + (options.LobbyVisitors > 0 ? 1 : 0);
            for (int i = 0; i < opened; i++)
            {
                DateTimeOffset now = DateTimeOffset.UtcNow;
                var record = new WorldRecord
                {
                    Id = WorldIds.New(), Title = $"bench {i}", Model = model.Name, Seed = i, OwnerId = owner, CreatedAt = now, UpdatedAt = now,
                    IsPublic = options.LobbyVisitors > 0,
                };
                await store.AddAsync(record, firstSave: null, CancellationToken.None);
                worlds.Add((await directory.OpenAsync(record.Id, CancellationToken.None))!);
            }
            ClipBench? clip = options.ClipSteps > 0 ? new ClipBench(app.Services, worlds, owner, options.ClipSteps) : null;
            LobbyBench? lobby = options.LobbyVisitors > 0
                ? new LobbyBench(worlds, LoopbackAddress(app), options.LobbyVisitors, options.Worlds, options.Seconds, options.LobbyMode) : null;
            var result = await new ServeBench(worlds, options, clip, lobby).RunAsync();
            string json = JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
            Console.WriteLine(json);
            if (options.JsonPath is not null)
            {
                await File.WriteAllTextAsync(options.JsonPath, json);
            }
            return 0;
        }
        finally
        {
            worlds.Dispose();
            foreach (WorldSession session in worlds.Sessions)
            {
                await directory.CloseAsync(session.Id, "the benchmark is over");
                await store.DeleteAsync(session.Id, CancellationToken.None);
            }
            await app.StopAsync();
        }
    }

    /// <summary>Where Kestrel listens (a free loopback port, see <see cref="Settings"/>).</summary>
    private static Uri LoopbackAddress(WebApplication app) =>
        new(app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First() + "/");
}
