using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.LocalWorlds;
using WorldWeb.Server.Safety;
using Xunit.Abstractions;

namespace WorldWeb.Tests.Server;

/// <summary>What a share link lets an open connection do ends with the link, and a stream that ends lets go of what it held.</summary>
[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class LinkRightsTests(WorldWebFactory factory, ITestOutputHelper output)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task JoinedTwiceThroughOneLink_EveryStreamEndsWhenTheLinkDoes(bool expire)
    {
        TestUser owner = await TestUser.CreateAsync(factory), player = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 21);
        ShareLinkInfo link = await owner.ShareAsync(world.Id, WorldRoles.Player, hours: expire ? 5.0 / 3600 : null);
        await using HubConnection connection = await player.ConnectAsync();
        await connection.InvokeAsync<WorldInfo>("JoinWorld", link.Token);
        await using FrameStream first = await FrameStream.OpenAsync(connection, world.Id);
        await first.NextAsync();
        await connection.InvokeAsync<WorldInfo>("JoinWorld", link.Token);  // a reload of the play page does this
        await using FrameStream second = await FrameStream.OpenAsync(connection, world.Id);
        await second.NextAsync();

        DateTimeOffset lost = link.ExpiresAt ?? DateTimeOffset.UtcNow;
        if (!expire)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"/api/worlds/{world.Id}/links/{link.Id}")).StatusCode);
            lost = DateTimeOffset.UtcNow;
        }
        string reason = expire ? "expired" : "revoked";
        foreach (FrameStream stream in new[] { first, second })
        {
            Exception ended = await EndOfAsync(stream);
            Assert.Contains(reason, (ended.InnerException ?? ended).Message);
        }
        // Printed, not barred: the bar, 2 s, is hardening-check's revoked_link_joined_twice row against a quiet server
        // process; beside the whole suite a stalled machine takes longer. The reason above says the link's check ended
        // both streams (EndOfAsync gives up after 10 s).
        output.WriteLine($"the last stream ended {(DateTimeOffset.UtcNow - lost).TotalSeconds:F1} s after the link was {reason}");
        HubException refused = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync("SendAction", world.Id, 1, 2L));
        Assert.Contains(reason, refused.Message);
    }

    [Fact]
    public async Task AStreamEndedByRevocation_LetsGoOfItsViewerAndOfItsAddressesQuota()
    {
        TestUser owner = await TestUser.CreateAsync(factory), guest = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 22);
        ShareLinkInfo link = await owner.ShareAsync(world.Id, WorldRoles.Viewer);
        await using HubConnection connection = await guest.ConnectAsync();
        await connection.InvokeAsync<WorldInfo>("JoinWorld", link.Token);
        await using FrameStream frames = await FrameStream.OpenAsync(connection, world.Id);
        await frames.NextAsync();
        var directory = factory.Services.GetRequiredService<WorldDirectory>();
        var quotas = factory.Services.GetRequiredService<IpQuotas>();
        Assert.Equal(1, directory.FindLive(world.Id)?.Viewers);
        Assert.True(Watched(quotas, world.Id));

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"/api/worlds/{world.Id}/links/{link.Id}")).StatusCode);
        await EndOfAsync(frames);

        // The connection stays open; only the stream ended, and with it the world's viewer and the address's watch.
        await UntilAsync(() => directory.FindLive(world.Id) is not { Viewers: > 0 } && !Watched(quotas, world.Id),
            "the ended stream still holds a viewer of the world or a watch of its address");
    }

    private static bool Watched(IpQuotas quotas, string worldId) => quotas.Addresses().Any(a => quotas.HeldBy(a).Worlds.Contains(worldId));

    /// <summary>How the stream ended, once it has; fails when it still streams after 10 s.</summary>
    internal static async Task<Exception> EndOfAsync(FrameStream stream)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                await stream.NextAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return e;
            }
        }
        throw new Xunit.Sdk.XunitException("the stream still streams 10 s on");
    }

    internal static async Task UntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), what);
            await Task.Delay(50);
        }
    }
}
