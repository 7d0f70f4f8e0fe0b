using Bunit;
using Microsoft.Extensions.DependencyInjection;
using WorldWeb.Client.Account;
using WorldWeb.Client.Admin;
using WorldWeb.Client.Api;
using WorldWeb.Client.Play;

namespace WorldWeb.Tests.Client;

/// <summary>A bUnit context wired like the browser app, with the server replaced at the HttpClient and hub boundaries.</summary>
public abstract class ClientTestContext : BunitContext
{
    protected ClientTestContext()
    {
        Services.AddSingleton(new WorldApi(Server.Client()));
        Services.AddSingleton(new AdminClient(Server.Client()));
        Services.AddSingleton(new AccountClient(Server.Client()));
        Services.AddSingleton<IWorldConnectionFactory>(Hub);
        JSInterop.Mode = JSRuntimeMode.Loose;
        ViewModule = JSInterop.SetupModule("./js/worldView.js");
        ViewModule.Mode = JSRuntimeMode.Loose;
    }

    protected FakeServerApi Server { get; } = new();

    protected FakeWorldConnection Hub { get; } = new();

    protected BunitJSModuleInterop ViewModule { get; }
}
