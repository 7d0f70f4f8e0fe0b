namespace WorldWeb.Server.Components;

/// <summary>
/// The Blazor Web App: this host serves the page shell and static assets; every page is an interactive
/// WebAssembly component from WorldWeb.Client. Owned by the UI; the server calls only these two methods.
/// </summary>
public static class UiExtensions
{
    public static WebApplicationBuilder AddWorldWebUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveWebAssemblyComponents();
        // The host only does this in Development; ./worldweb run serves the Release build output, whose client
        // files are found through the same manifest. A published app has no manifest and serves its wwwroot.
        builder.WebHost.UseStaticWebAssets();
        return builder;
    }

    public static WebApplication MapWorldWebUi(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>()
            .AddInteractiveWebAssemblyRenderMode()
            .AddAdditionalAssemblies(typeof(Client.Routes).Assembly);
        return app;
    }
}
