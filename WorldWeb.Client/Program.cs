using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using WorldWeb.Client;

// The interactive WebAssembly half of the Blazor Web App hosted by WorldWeb.Server.
var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.Services.AddWorldWebClient(new Uri(builder.HostEnvironment.BaseAddress));
await builder.Build().RunAsync();
