using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using WorldWeb.Persistence;

namespace WorldWeb.Server.Safety;

public static class SafetyExtensions
{
    public static WebApplicationBuilder AddSafety(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SafetyOptions>().BindConfiguration(SafetyOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<HubGuard>();
        builder.Services.AddSingleton<IpQuotas>();
        // Cookies are encrypted with Data Protection keys; kept in the database, they outlive a restart, hold on every
        // node, and a file left on the server's disk cannot forge a cookie.
        // A certificate outside the database encrypts them there (KeyEncryption); without one the start-up log says so.
        IDataProtectionBuilder keys = builder.Services.AddDataProtection().SetApplicationName("WorldWeb").PersistKeysToDbContext<WorldWebDbContext>();
        if (!KeyEncryption.Configure(keys, builder.Configuration))
        {
            builder.Services.AddHostedService<KeysInTheClearNotice>();
        }
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<SafetyOptions>>((forwarded, safety) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            if (safety.Value.TrustedProxies.Length > 0)
            {
                forwarded.KnownProxies.Clear();
                forwarded.KnownIPNetworks.Clear();
                foreach (string proxy in safety.Value.TrustedProxies)
                {
                    forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
                }
            }
        });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IServiceProvider>(RateLimits.Configure);
        return builder;
    }

    /// <summary>Right after the security headers: the client's address and scheme as a trusted proxy saw them; HSTS under HTTPS.</summary>
    public static WebApplication UseForwardedClient(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();  // only ever sent on HTTPS answers (the scheme as the proxy saw it)
        }
        return app;
    }

    /// <summary>Cross-site requests refused, the REST body limit, then the rate limiter (after authentication: limits are per identity).</summary>
    public static WebApplication UseSafety(this WebApplication app)
    {
        int maxBody = app.Services.GetRequiredService<IOptions<SafetyOptions>>().Value.MaxApiBodyBytes;
        app.Use(async (http, next) =>
        {
            if (CrossOriginGuard.IsCrossOrigin(http.Request))
            {
                await TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Cross-site request refused",
                    detail: "WorldWeb's API and hub only take requests from WorldWeb's own pages.").ExecuteAsync(http);
                return;
            }
            if (http.Request.Path.StartsWithSegments("/api"))
            {
                if (http.Request.ContentLength > maxBody)
                {
                    await TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large",
                        detail: $"A request body has at most {maxBody} bytes.").ExecuteAsync(http);
                    return;
                }
                if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                {
                    limit.MaxRequestBodySize = maxBody;
                }
            }
            await next(http);
        });
        app.UseRateLimiter();
        return app;
    }
}
