using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Tests.Server;

/// <summary>
/// An open hub connection keeps the principal it connected with; the rights it uses follow the account in the
/// database anyway. Every change here is made straight in the database (or by sign-out), telling no node, as a change
/// through another node of a cluster would reach this one.
/// </summary>
[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class OpenConnectionRightsTests(WorldWebFactory factory)
{
    private const string Password = "a long enough password";

    /// <summary>Generous for a loaded CI machine; the server checks every second.</summary>
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(6);

    [Fact]
    public async Task ADeletedAccount_ItsStreamsEndSayingWhy_AndItsConnectionsClose()
    {
        string email = TestUser.NewEmail();
        TestUser user = await TestUser.CreateAsync(factory);
        await user.SignInAsync(email, Password, signUp: true);
        CreatedWorld world = await user.CreateWorldAsync(seed: 31);
        await using HubConnection connection = await user.ConnectAsync();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        await connection.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
        await using FrameStream frames = await FrameStream.OpenAsync(connection, world.Id);
        await frames.NextAsync();

        await OnAccountAsync(email, (users, account) => users.DeleteAsync(account));
        var clock = Stopwatch.StartNew();

        Exception ended = await LinkRightsTests.EndOfAsync(frames);
        Assert.Contains("deleted", (ended.InnerException ?? ended).Message);
        Assert.True(clock.Elapsed < Soon, $"the stream ended {clock.Elapsed.TotalSeconds:F1} s after the account was deleted");
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
    }

    [Fact]
    public async Task ADemotedAdmin_LosesTheWorldsItSawAsAdmin_AndKeepsItsOwn()
    {
        TestUser stranger = await TestUser.CreateAsync(factory);
        CreatedWorld privateWorld = await stranger.CreateWorldAsync(seed: 32);
        string email = TestUser.NewEmail();
        TestUser admin = await TestUser.CreateAsync(factory);
        await admin.SignInAsync(email, Password, signUp: true);
        CreatedWorld own = await admin.CreateWorldAsync(seed: 33);
        await OnAccountAsync(email, (users, account) => users.AddToRoleAsync(account, "admin"));
        await admin.SignInAsync(email, Password);  // the cookie now says admin
        await using HubConnection connection = await admin.ConnectAsync();
        Assert.Equal(WorldRoles.Viewer, (await connection.InvokeAsync<WorldInfo>("JoinWorld", privateWorld.Id)).Role);
        await connection.InvokeAsync<WorldInfo>("JoinWorld", own.Id);
        await using FrameStream watched = await FrameStream.OpenAsync(connection, privateWorld.Id);
        await using FrameStream played = await FrameStream.OpenAsync(connection, own.Id);
        await watched.NextAsync();
        await played.NextAsync();

        await OnAccountAsync(email, (users, account) => users.RemoveFromRoleAsync(account, "admin"));
        var clock = Stopwatch.StartNew();

        Exception ended = await LinkRightsTests.EndOfAsync(watched);
        Assert.Contains("no longer an administrator", (ended.InnerException ?? ended).Message);
        Assert.True(clock.Elapsed < Soon, $"the stream ended {clock.Elapsed.TotalSeconds:F1} s after the demotion");
        await using (FrameStream again = await FrameStream.OpenAsync(connection, privateWorld.Id))
        {
            Exception refused = await LinkRightsTests.EndOfAsync(again);
            Assert.Contains("no longer an administrator", (refused.InnerException ?? refused).Message);
        }
        await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<WorldInfo>("JoinWorld", privateWorld.Id));
        // Its own world is its by ownership, not by the admin right: it plays on, on the same connection.
        await played.NextAsync();
        await connection.InvokeAsync("SendAction", own.Id, 1, 1L);
        Assert.Equal(HubConnectionState.Connected, connection.State);
    }

    [Fact]
    public async Task ASignedOutAccount_ItsOpenConnectionsStreamAndActNoMore()
    {
        string email = TestUser.NewEmail();
        TestUser user = await TestUser.CreateAsync(factory);
        await user.SignInAsync(email, Password, signUp: true);
        CreatedWorld world = await user.CreateWorldAsync(seed: 34);
        await using HubConnection connection = await user.ConnectAsync();
        await connection.InvokeAsync<WorldInfo>("JoinWorld", world.Id);
        await using FrameStream frames = await FrameStream.OpenAsync(connection, world.Id);
        await frames.NextAsync();
        await connection.InvokeAsync("SendAction", world.Id, 1, 1L);

        Assert.Equal(HttpStatusCode.NoContent, (await user.Http.PostAsync("/api/account/signout", null)).StatusCode);
        var clock = Stopwatch.StartNew();

        Exception ended = await LinkRightsTests.EndOfAsync(frames);
        Assert.Contains("signed out", (ended.InnerException ?? ended).Message);
        Assert.True(clock.Elapsed < Soon, $"the stream ended {clock.Elapsed.TotalSeconds:F1} s after the sign-out");
        HubException refused = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync("SendAction", world.Id, 1, 2L));
        Assert.Contains("signed out", refused.Message);
        HubException rejoin = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<WorldInfo>("JoinWorld", world.Id));
        Assert.Contains("signed out", rejoin.Message);
    }

    private async Task OnAccountAsync(string email, Func<UserManager<IdentityUser>, IdentityUser, Task<IdentityResult>> change)
    {
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        IdentityResult result = await change(users, (await users.FindByEmailAsync(email))!);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
