using System.Net;
using System.Net.Http.Json;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Tests.Server;

/// <summary>The admin bootstrap of <c>Admin__Email</c>, in the real server process, against an account someone made first.</summary>
[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class AdminBootstrapTests(WorldWebFactory factory)
{
    [Fact]
    public async Task AccountSignedUpWithTheAdminEmail_IsNotPromotedAtStart_AndItsPasswordOpensNoAdminApi()
    {
        string email = TestUser.NewEmail();
        const string SquatterPassword = "squatter-password-1", OperatorPassword = "operator-password-1";
        TestUser squatter = await TestUser.CreateAsync(factory);
        await squatter.SignInAsync(email, SquatterPassword, signUp: true);

        var settings = new Dictionary<string, string> { ["Admin__Email"] = email, ["Admin__Password"] = OperatorPassword };
        await using ServerProcess server = await ServerProcess.StartAsync(ServerProcess.FreePort(), settings: settings);
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = server.Address };

        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/api/account/signin", new Credentials(email, SquatterPassword))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync("/api/admin/system")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await http.PostAsJsonAsync("/api/account/signin", new Credentials(email, OperatorPassword))).StatusCode);
        Assert.Contains("was not made an admin", server.Output);
        Assert.Contains("./worldweb admin create", server.Output);
    }
}
