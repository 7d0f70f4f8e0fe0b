using System.Net;
using Bunit;
using WorldWeb.Client.Account;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Tests.Client;

[Trait(Category.Name, Category.Unit)]
public sealed class AccountPageTests : ClientTestContext
{
    [Fact]
    public void Visitor_SeesTheSignInForm()
    {
        Server.OnJson("GET", "/api/account", new AccountInfo("v1", null, false, []));

        var page = Render<AccountPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("#email")));
        Assert.DoesNotContain("Loading", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void AccountNotReadable_ShowsWhyInsteadOfLoadingForever()
    {
        Server.On("GET", "/api/account", _ => FakeServerApi.Problem(HttpStatusCode.TooManyRequests, "Too many requests", "At most 50 per second per IP address. Try again in 1 s."));

        var page = Render<AccountPage>();

        page.WaitForAssertion(() => Assert.Contains("Try again in 1 s.", page.Find("[role=alert]").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain("Loading", page.Markup, StringComparison.Ordinal);
    }
}
