using System.Net;
using System.Net.Http.Json;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Tests.Server;

[Collection(ServerCollection.Name)]
public sealed class AccountsTests(WorldWebFactory factory)
{
    private const string Password = "a long enough password";

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
