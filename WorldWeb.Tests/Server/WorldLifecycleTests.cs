using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WorldWeb.Client.Contracts;
using WorldWeb.Persistence;

namespace WorldWeb.Tests.Server;

[Collection(ServerCollection.Name)]
public sealed class WorldLifecycleTests(WorldWebFactory factory)
{
    [Fact]
    public async Task WorldWithoutViewers_IsSavedAndUnloaded_AndResumesWhereItStood()
    {
        TestUser owner = await TestUser.CreateAsync(factory);
        CreatedWorld world = await owner.CreateWorldAsync(seed: 31);
        FrameMessage last;
        await using (HubConnection connection = await owner.ConnectAsync())
        {
            await connection.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
            await using FrameStream frames = await FrameStream.OpenAsync(connection, world.Id);
            last = await frames.UntilAsync(f => f.Step >= 8);
        }

        // The test server unloads after 3 s without viewers (Worlds:IdleUnloadSeconds).
        WorldDetails details = (await owner.Http.GetFromJsonAsync<WorldDetails>($"/api/worlds/{world.Id}"))!;
        for (int i = 0; i < 40 && details.IsLive; i++)
        {
            await Task.Delay(250);
            details = (await owner.Http.GetFromJsonAsync<WorldDetails>($"/api/worlds/{world.Id}"))!;
        }
        Assert.False(details.IsLive);
        Assert.True(details.Step >= last.Step);
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>();
        // The world leaves the live set just before its autosave is written, so give the save a moment.
        long[] autosaved = [];
        for (int i = 0; i < 40 && autosaved.Length == 0; i++)
        {
            await using WorldWebDbContext db = await contexts.CreateDbContextAsync();
            autosaved = await db.Saves.Where(s => s.WorldId == world.Id && s.Kind == SaveKind.Auto).Select(s => s.Step).ToArrayAsync();
            if (autosaved.Length == 0)
            {
                await Task.Delay(100);
            }
        }
        Assert.Equal(details.Step, Assert.Single(autosaved));

        await using HubConnection again = await owner.ConnectAsync();
        WorldInfo info = await again.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
        Assert.Equal(details.Step, info.Step);
        await using FrameStream resumed = await FrameStream.OpenAsync(again, world.Id);
        Assert.Equal(details.Step, (await resumed.NextAsync()).Step);
        Assert.Equal(details.Step + 1, (await resumed.NextAsync()).Step);
    }
}
