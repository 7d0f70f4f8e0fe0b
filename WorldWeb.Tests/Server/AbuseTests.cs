using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.SignalR.Client;
using WorldWeb.Client.Contracts;
using Xunit.Abstractions;

namespace WorldWeb.Tests.Server;

/// <summary>
/// Runs alone (after the parallel collections, on its own server): it watches a world's steps before and during
/// abuse, and other tests' load on the same cores would be counted against the server.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AbuseCollection : ICollectionFixture<WorldWebFactory>
{
    public const string Name = "abuse";
}

[Collection(AbuseCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class AbuseTests(WorldWebFactory factory, ITestOutputHelper output)
{
    /// <summary>
    /// One visitor floods actions, makes worlds as fast as it is allowed and sends malformed and oversize hub and API
    /// messages: each kind is refused, and another world, watched meanwhile, plays on.
    /// </summary>
    [Fact]
    public async Task Abuse_FloodsAndMalformedMessages_AreRefused_AndAnotherWorldPlaysOn()
    {
        (double before, double during) = await AbuseAsync();
        // Stepped, by the server's clock, all through the abuse (StepsPerSecondAsync read 4 s of frames). The rate
        // itself is the perf test's bar: beside the whole suite the cores are not the server's alone.
        Assert.True(during > 0 && before > 0, $"watched world: {before:F1} fps before, {during:F1} under abuse");
    }

    /// <summary>The bar of issue 5: under that abuse the watched world keeps ≥ 95% of its fps.</summary>
    [PerfFact]
    [Trait(Category.Name, Category.Perf)]
    public async Task Abuse_FloodsAndMalformedMessages_OtherWorldKeeps95PercentOfItsFps()
    {
        (double before, double during) = await AbuseAsync();
        Assert.True(during >= 0.95 * before, $"watched world ran at {during:F1} fps under abuse, {before:F1} before");
    }

    /// <summary>The abuse, asserted refused; the watched world's steps per second (server's clock) before and during it.</summary>
    private async Task<(double Before, double During)> AbuseAsync()
    {
        TestUser victim = await TestUser.CreateAsync(factory), abuser = await TestUser.CreateAsync(factory);
        CreatedWorld watched = await victim.CreateWorldAsync();
        await using HubConnection viewer = await victim.ConnectAsync(HubProtocol.MessagePack);
        await viewer.InvokeAsync<WorldInfo>("JoinWorld", watched.Id);
        await using FrameStream frames = await FrameStream.OpenAsync(viewer, watched.Id);
        await frames.UntilAsync(f => f.Step >= 10);
        double before = await frames.StepsPerSecondAsync(TimeSpan.FromSeconds(4));

        CreatedWorld own = await abuser.CreateWorldAsync();
        await using HubConnection flooder = await abuser.ConnectAsync(HubProtocol.MessagePack);
        await flooder.InvokeAsync<WorldInfo>("JoinWorld", own.Id);
        await using FrameStream ownFrames = await FrameStream.OpenAsync(flooder, own.Id);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var counts = new AbuseCounts();
        Task[] abuse =
        [
            FloodActionsAsync(flooder, own.Id, counts, stop.Token),
            CreateWorldsAsync(abuser, counts, stop.Token),
            MalformedAsync(abuser, watched.Id, counts, stop.Token),
        ];
        double during = await frames.StepsPerSecondAsync(TimeSpan.FromSeconds(4));
        await Task.WhenAll(abuse);
        output.WriteLine($"watched world: {before:F2} fps before, {during:F2} fps under abuse ({100 * during / before:F1}%); {counts}");

        Assert.True(counts.ActionsRefused > 0 && counts.WorldsRefused > 0 && counts.Malformed > 0, counts.ToString());
        Assert.Equal(HttpStatusCode.OK, (await victim.Http.GetAsync($"/api/worlds/{watched.Id}")).StatusCode);
        return (before, during);
    }

    private sealed record AbuseCounts
    {
        public int ActionsSent;
        public int ActionsRefused;
        public int WorldsMade;
        public int WorldsRefused;
        public int Malformed;
    }

    private static async Task FloodActionsAsync(HubConnection flooder, string worldId, AbuseCounts counts, CancellationToken stop)
    {
        long seq = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await flooder.InvokeAsync("SendAction", worldId, (int)(seq % 3), ++seq, CancellationToken.None);
                Interlocked.Increment(ref counts.ActionsSent);
            }
            catch (Microsoft.AspNetCore.SignalR.HubException)
            {
                Interlocked.Increment(ref counts.ActionsRefused);
            }
        }
    }

    private static async Task CreateWorldsAsync(TestUser abuser, AbuseCounts counts, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            HttpResponseMessage response = await abuser.Http.PostAsJsonAsync("/api/worlds", new CreateWorldRequest("spam", null, 1), CancellationToken.None);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Interlocked.Increment(ref counts.WorldsRefused);
                // A refused client backs off a moment, on purpose, as a real one would; the flood goes on.
                await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
            }
            else
            {
                response.EnsureSuccessStatusCode();
                Interlocked.Increment(ref counts.WorldsMade);
            }
        }
    }

    private static async Task MalformedAsync(TestUser abuser, string victimWorld, AbuseCounts counts, CancellationToken stop)
    {
        string[] bodies = ["{", "[]", "{\"title\": 5}", "{\"seed\": \"x\"}", "null", new string('[', 5000), "\u0000\u0001", "{\"title\":\"" + new string('y', 40_000) + "\"}"];
        int i = 0;
        while (!stop.IsCancellationRequested)
        {
            string body = bodies[i++ % bodies.Length];
            HttpResponseMessage response = await abuser.Http.PostAsync("/api/worlds", new StringContent(body, Encoding.UTF8, "application/json"), CancellationToken.None);
            Assert.True((int)response.StatusCode is 400 or 413 or 415 or 429, $"{(int)response.StatusCode} for a malformed body");
            await using HubConnection hub = await abuser.ConnectAsync();
            await SwallowAsync(() => hub.InvokeAsync<WorldInfo>("JoinWorld", new string('z', 8 * 1024)));
            await SwallowAsync(() => hub.InvokeAsync("SendAction", victimWorld, int.MaxValue, long.MinValue));
            await SwallowAsync(() => hub.InvokeAsync("Frames", 42, "x"));
            Interlocked.Add(ref counts.Malformed, 4);
        }
    }

    private static async Task SwallowAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception ex) when (ex is Microsoft.AspNetCore.SignalR.HubException or InvalidOperationException or TaskCanceledException or IOException)
        {
        }
    }
}
