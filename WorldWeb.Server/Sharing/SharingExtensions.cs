namespace WorldWeb.Server.Sharing;

public static class SharingExtensions
{
    public static WebApplicationBuilder AddSharing(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ShareLinkStore>();
        builder.Services.AddSingleton<WorldRefs>();
        builder.Services.AddSingleton<LinkGrants>();
        builder.Services.AddHostedService<LinkEndings>();
        return builder;
    }
}
