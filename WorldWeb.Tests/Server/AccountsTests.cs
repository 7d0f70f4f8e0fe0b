extern alias server;

using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WorldWeb.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.AspNetCore.TestHost;
using WorldWeb.Client.Contracts;
using AdminAccounts = server::WorldWeb.Server.Accounts.AdminAccounts;

namespace WorldWeb.Tests.Server;

[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class AccountsTests(WorldWebFactory factory)
{
    private const string Password = "a long enough password";

    [Fact]
    public async Task CookieKeys_AreKeptInTheDatabase_SoAnotherServerOnItAcceptsTheCookie()
    {
        TestUser member = await TestUser.CreateAsync(factory);
        string email = TestUser.NewEmail();
        await member.SignInAsync(email, Password, signUp: true);

        // A second server on the same database, as after a restart or on another node.
        using var other = factory.WithWebHostBuilder(_ => { });
        using HttpClient http = other.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        http.DefaultRequestHeaders.Add("Cookie", member.Cookie);
        AccountInfo? seen = await http.GetFromJsonAsync<AccountInfo>("/api/account");

        Assert.Equal(email, seen!.Email);
        Assert.IsType<EntityFrameworkCoreXmlRepository<WorldWebDbContext>>(
            other.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository);
        await using WorldWebDbContext db = await other.Services.GetRequiredService<IDbContextFactory<WorldWebDbContext>>().CreateDbContextAsync();
        Assert.True(await db.DataProtectionKeys.AnyAsync());
    }

    [Fact]
    public async Task IdentityCookies_OutliveTheBrowserSession_ForVisitorsAndAccounts()
    {
        using HttpClient http = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        string visitor = (await http.GetAsync("/api/models")).Headers.GetValues("Set-Cookie").Single();
        HttpResponseMessage signedUp = await http.PostAsJsonAsync("/api/account/signup", new Credentials(TestUser.NewEmail(), Password));
        string account = signedUp.Headers.GetValues("Set-Cookie").Last(c => c.StartsWith("worldweb.id=", StringComparison.Ordinal));
        foreach (string cookie in new[] { visitor, account })
        {
            Assert.Contains("expires=", cookie, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task SignUp_TakesTheAnonymousWorldsAlong()
    {
        TestUser visitor = await TestUser.CreateAsync(factory);
        CreatedWorld world = await visitor.CreateWorldAsync();
        string email = TestUser.NewEmail();

        AccountInfo account = await visitor.SignInAsync(email, Password, signUp: true);

        Assert.Equal((email, true, 1), (account.Email, account.IsSignedIn, account.ClaimedWorlds));
        WorldDetails details = (await visitor.Http.GetFromJsonAsync<WorldDetails>($"/api/worlds/{world.Id}"))!;
        Assert.Equal(WorldRoles.Owner, details.Role);
    }

    [Fact]
    public async Task SignIn_FromAnotherBrowser_OwnsTheAccountsWorlds()
    {
        TestUser first = await TestUser.CreateAsync(factory), second = await TestUser.CreateAsync(factory);
        string email = TestUser.NewEmail();
        await first.SignInAsync(email, Password, signUp: true);
        CreatedWorld world = await first.CreateWorldAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await second.Http.GetAsync($"/api/worlds/{world.Id}")).StatusCode);

        await second.SignInAsync(email, Password);

        Assert.Equal(WorldRoles.Owner, (await second.Http.GetFromJsonAsync<WorldDetails>($"/api/worlds/{world.Id}"))!.Role);
    }

    [Fact]
    public async Task SignUp_TakenEmail_Is409_AndShortPassword_Is400()
    {
        TestUser visitor = await TestUser.CreateAsync(factory);
        string email = TestUser.NewEmail();
        await (await TestUser.CreateAsync(factory)).SignInAsync(email, Password, signUp: true);

        Assert.Equal(HttpStatusCode.Conflict, (await visitor.Http.PostAsJsonAsync("/api/account/signup", new Credentials(email, Password))).StatusCode);
        HttpResponseMessage weak = await visitor.Http.PostAsJsonAsync("/api/account/signup", new Credentials(TestUser.NewEmail(), "short"));
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Contains("password", await weak.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_FiveWrongPasswords_LockTheAccount()
    {
        string email = TestUser.NewEmail();
        await (await TestUser.CreateAsync(factory)).SignInAsync(email, Password, signUp: true);
        TestUser attacker = await TestUser.CreateAsync(factory);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.Http.PostAsJsonAsync("/api/account/signin", new Credentials(email, $"wrong {i} password"))).StatusCode);
        }

        HttpResponseMessage right = await attacker.Http.PostAsJsonAsync("/api/account/signin", new Credentials(email, Password));

        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        Assert.Contains("Too many wrong passwords", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignUp_BeyondItsPerIpLimit_Is429_WhileSignInStillWorks()
    {
        using var strict = factory.WithWebHostBuilder(b => b.UseSetting("Safety:SignUpsPerHourPerIp", "2"));
        HttpClient http = strict.CreateClient();
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/account/signup", new Credentials(TestUser.NewEmail(), Password))).StatusCode);
        }

        HttpResponseMessage refused = await http.PostAsJsonAsync("/api/account/signup", new Credentials(TestUser.NewEmail(), Password));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Contains("at most 2 accounts per hour per IP address", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/api/account/signin", new Credentials(WorldWebFactory.AdminEmail, WorldWebFactory.AdminPassword))).StatusCode);
    }

    [Fact]
    public async Task SignIn_BeyondItsPerIpLimit_Is429_EvenWithTheRightPassword()
    {
        using var strict = factory.WithWebHostBuilder(b => b.UseSetting("Safety:SignInsPerMinutePerIp", "3"));
        HttpClient http = strict.CreateClient();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/api/account/signin", new Credentials(TestUser.NewEmail(), Password))).StatusCode);
        }

        HttpResponseMessage refused = await http.PostAsJsonAsync("/api/account/signin", new Credentials(WorldWebFactory.AdminEmail, WorldWebFactory.AdminPassword));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("Too many sign-in attempts", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>The cookie is signed for a year; the account's rights are re-read from the database every interval.</summary>
    [Fact]
    public async Task PromotedDemotedAndDeletedAccounts_RightsFollowTheDatabase_WithinTheRevalidationInterval()
    {
        // The server's clock is a fake one, moved past Accounts:RevalidateSeconds (60) instead of waiting for it.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var quick = factory.WithWebHostBuilder(b => b.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock)));
        TimeSpan interval = TimeSpan.FromSeconds(61);
        string email = TestUser.NewEmail();
        TestUser user = await TestUser.CreateAsync(quick);
        AccountInfo account = await user.SignInAsync(email, Password, signUp: true);
        async Task OnAccount(Func<UserManager<IdentityUser>, IdentityUser, Task> change)
        {
            await using AsyncServiceScope scope = quick.Services.CreateAsyncScope();
            UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            await change(users, (await users.FindByEmailAsync(email))!);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Http.GetAsync("/api/admin/system")).StatusCode);

        await using (AsyncServiceScope scope = quick.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AdminAccounts>().EnsureAdminAsync(email, Password, promoteExisting: true);
        }
        clock.Advance(interval);
        Assert.Equal(HttpStatusCode.OK, (await user.Http.GetAsync("/api/admin/system")).StatusCode);

        await OnAccount((users, a) => users.RemoveFromRoleAsync(a, "admin"));
        clock.Advance(interval);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Http.GetAsync("/api/admin/system")).StatusCode);
        Assert.Equal(email, (await user.Http.GetFromJsonAsync<AccountInfo>("/api/account"))!.Email);

        await OnAccount((users, a) => users.DeleteAsync(a));
        clock.Advance(interval);
        AccountInfo after = (await user.Http.GetFromJsonAsync<AccountInfo>("/api/account"))!;
        Assert.False(after.IsSignedIn);
        Assert.NotEqual(account.Id, after.Id);
    }

    [Fact]
    public async Task OwnerActions_AreInTheAuditLog_WithWhoAndWhen()
    {
        TestUser owner = await TestUser.CreateAsync(factory), admin = await TestUser.CreateAsync(factory);
        string email = TestUser.NewEmail();
        await owner.SignInAsync(email, Password, signUp: true);
        await admin.SignInAsync(WorldWebFactory.AdminEmail, WorldWebFactory.AdminPassword);
        CreatedWorld world = await owner.CreateWorldAsync();
        await owner.ShareAsync(world.Id, WorldRoles.Player);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"/api/worlds/{world.Id}")).StatusCode);

        AuditEntryInfo[] entries = (await admin.Http.GetFromJsonAsync<AuditEntryInfo[]>($"/api/admin/audit?target={world.Id}"))!;

        Assert.Equal(["world.delete", "link.create", "world.create"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(email, e.ActorEmail));
        Assert.All(entries, e => Assert.True(DateTimeOffset.UtcNow - e.At < TimeSpan.FromMinutes(1)));
        AuditEntryInfo[] byAction = (await admin.Http.GetFromJsonAsync<AuditEntryInfo[]>($"/api/admin/audit?actor={email}&action=link"))!;
        Assert.Equal("link.create", Assert.Single(byAction).Action);
    }
}
