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

        // The test server unloads after 3 s without viewers (Worlds:IdleUnloadSeconds); the world leaves the live
        // set first and its autosave lands just after, so wait for both.
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>();
        long? savedStep = null;
        WorldDetails details = (await owner.Http.GetFromJsonAsync<WorldDetails>($"/api/worlds/{world.Id}"))!;
        for (int i = 0; i < 60 && (details.IsLive || savedStep is null); i++)
        {
            await Task.Delay(250);
            await using WorldWebDbContext db = await contexts.CreateDbContextAsync();
            savedStep = await db.Saves.Where(s => s.WorldId == world.Id && s.Kind == SaveKind.Auto).Select(s => (long?)s.Step).SingleOrDefaultAsync();
            details = (await owner.Http.GetFromJsonAsync<WorldDetails>($"/api/worlds/{world.Id}"))!;
        }
        Assert.False(details.IsLive);
        Assert.True(details.Step >= last.Step);
        Assert.Equal(details.Step, savedStep);

        await using HubConnection again = await owner.ConnectAsync();
        WorldInfo info = await again.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
        Assert.Equal(details.Step, info.Step);
        await using FrameStream resumed = await FrameStream.OpenAsync(again, world.Id);
        Assert.Equal(details.Step, (await resumed.NextAsync()).Step);
        Assert.Equal(details.Step + 1, (await resumed.NextAsync()).Step);
    }
}
