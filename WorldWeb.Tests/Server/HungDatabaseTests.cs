using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.Database;
using Xunit.Abstractions;

namespace WorldWeb.Tests.Server;

/// <summary>
/// A database that answers connections but not queries: a table held in ACCESS EXCLUSIVE mode, as a migration holds
/// it, on the real PostgreSQL. Without a budget every call waits until the lock goes (here: until the test ends).
/// </summary>
[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class HungDatabaseTests(WorldWebFactory factory, ITestOutputHelper output)
{
    /// <summary>Far above the 1.5 s health budget and the 5 s interactive one, far below "until the lock goes".</summary>
    private static readonly TimeSpan Fast = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Healthz_WhileATableIsLocked_AnswersDegradedWithinItsBudget()
    {
        using HttpClient http = factory.CreateClient();
        Assert.Equal("Healthy", await http.GetStringAsync("/healthz"));
        await using (await LockAsync("worlds"))
        {
            var clock = Stopwatch.StartNew();
            string status = await http.GetStringAsync("/healthz").WaitAsync(Fast);
            output.WriteLine($"/healthz with worlds locked: {status} in {clock.ElapsedMilliseconds} ms");
            Assert.Equal("Degraded", status);
        }
        Assert.Equal("Healthy", await http.GetStringAsync("/healthz"));
    }

    [Fact]
    public async Task JoinWorld_WhileTheActionLogIsLocked_FailsFastSayingSo_AndThePlayedStepsAreWrittenOnceItGoes()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld playing = await owner.CreateWorldAsync(seed: 41), closed = await owner.CreateWorldAsync(seed: 42);
        await using HubConnection connection = await owner.ConnectAsync();
        await connection.InvokeAsync<WorldInfo>("JoinWorld", playing.Id);
        await connection.InvokeAsync("SendAction", playing.Id, 1, 1L);
        using var stop = new CancellationTokenSource();
        ChannelReader<FrameMessage> frames = await connection.StreamAsChannelAsync<FrameMessage>("Frames", playing.Id, stop.Token);
        long step = await ReadUntilAsync(frames, 5);

        await using (await LockAsync("action_log"))
        {
            // The played world goes on; its writer's flush is stuck on the lock, holding the log's queue.
            step = await ReadUntilAsync(frames, step + 10);
            var clock = Stopwatch.StartNew();
            // Opening the other world flushes the log first (its steps must be in before a replay), and reads it.
            HubException refused = await Assert.ThrowsAsync<HubException>(
                () => connection.InvokeAsync<WorldInfo>("JoinWorld", closed.Id).WaitAsync(Fast));
            output.WriteLine($"JoinWorld with action_log locked refused in {clock.ElapsedMilliseconds} ms: {refused.Message}");
            Assert.Contains(DatabaseFaults.NotAnswering, refused.Message);
        }

        // Once the lock goes, the world opens, and every step the played world made meanwhile is logged, once.
        WorldInfo joined = await connection.InvokeAsync<WorldInfo>("JoinWorld", closed.Id).WaitAsync(Fast);
        Assert.Equal(closed.Id, joined.WorldId);
        await stop.CancelAsync();
        // Each step once: every read of the log fails on a gap or an overlap between its chunks. No last step is fixed,
        // since the world still steps and logs while the test reads (a CI run logged 17 more between two reads).
        await WaitLoggedAsync(playing.Id, step);
    }

    /// <summary>A connection of the test's own holding <paramref name="table"/> in ACCESS EXCLUSIVE mode until disposed.</summary>
    private static async Task<NpgsqlConnection> LockAsync(string table)
    {
        var connection = new NpgsqlConnection(TestEnvironment.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"BEGIN; LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE", connection);
        await command.ExecuteNonQueryAsync();
        return connection;  // closing it rolls the transaction back and lets the lock go
    }

    private static async Task<long> ReadUntilAsync(ChannelReader<FrameMessage> frames, long step)
    {
        using var timeout = new CancellationTokenSource(Fast);
        long seen;
        do
        {
            seen = (await frames.ReadAsync(timeout.Token)).Step;
        }
        while (seen < step);
        return seen;
    }

    private static async Task<long> LastLoggedAsync(string worldId) =>
        (await LoggedSteps.ActionsAsync(TestEnvironment.ConnectionString, worldId)).Length;

    private static async Task WaitLoggedAsync(string worldId, long step)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await LastLoggedAsync(worldId) < step)
        {
            await Task.Delay(100, timeout.Token);
        }
    }
}
