using Microsoft.Extensions.DependencyInjection;
using WorldWeb.Client.Account;
using WorldWeb.Client.Admin;
using WorldWeb.Client.Api;
using WorldWeb.Client.Play;

namespace WorldWeb.Client;

public static class ClientServices
{
    /// <summary>The REST API and the world hub, both on the origin that served the app.</summary>
    public static IServiceCollection AddWorldWebClient(this IServiceCollection services, Uri baseAddress)
    {
        services.AddScoped(_ => new HttpClient { BaseAddress = baseAddress });
        services.AddScoped<WorldApi>();
        services.AddScoped<AccountClient>();
        services.AddScoped<AdminClient>();
        services.AddScoped<IWorldConnectionFactory, HubWorldConnectionFactory>();
        return services;
    }
}
