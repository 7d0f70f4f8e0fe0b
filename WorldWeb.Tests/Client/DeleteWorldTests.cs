using System.Net;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using WorldWeb.Client.Play;

namespace WorldWeb.Tests.Client;

[Trait(Category.Name, Category.Unit)]
public sealed class DeleteWorldTests : ClientTestContext
{
    [Fact]
    public void Delete_AsksFirstThenDeletesAndReturnsToTheLobby()
    {
        Server.On("DELETE", "/api/worlds/w1", _ => new HttpResponseMessage(HttpStatusCode.NoContent));
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("worlds/w1");
        var panel = Render<DeleteWorld>(p => p.Add(x => x.WorldId, "w1").Add(x => x.Title, "Meadow"));

        panel.Find("#delete-world").Click();
        Assert.Contains("Delete “Meadow” with its saves and links?", panel.Markup);
        Assert.Empty(Server.Requests);
        panel.Find("#delete-confirm").Click();

        panel.WaitForAssertion(() => Assert.Equal("http://localhost/", navigation.Uri));
        Assert.Single(Server.Sent("DELETE", "/api/worlds/w1"));
    }

    [Fact]
    public void Cancel_KeepsTheWorld()
    {
        var panel = Render<DeleteWorld>(p => p.Add(x => x.WorldId, "w1").Add(x => x.Title, "Meadow"));

        panel.Find("#delete-world").Click();
        panel.Find("#delete-cancel").Click();

        Assert.Single(panel.FindAll("#delete-world"));
        Assert.Empty(Server.Requests);
    }
}
