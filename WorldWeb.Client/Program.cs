using Microsoft.AspNetCore.Components.WebAssembly.Hosting;

// The interactive WebAssembly half of the Blazor Web App hosted by WorldWeb.Server.
var builder = WebAssemblyHostBuilder.CreateDefault(args);
await builder.Build().RunAsync();
