using WorldWeb.Server.Accounts;
using WorldWeb.Server.ActionLog;
using WorldWeb.Server.Admin;
using WorldWeb.Server.Bench;
using WorldWeb.Server.Clips;
using WorldWeb.Server.Cluster;
using WorldWeb.Server.Coherence;
using WorldWeb.Server.Components;
using WorldWeb.Server.Database;
using WorldWeb.Server.Line;
using WorldWeb.Server.Lobby;
using WorldWeb.Server.LocalWorlds;
using WorldWeb.Server.MemoryStorage;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Server.Operations;
using WorldWeb.Server.Play;
using WorldWeb.Server.Safety;
using WorldWeb.Server.Saves;
using WorldWeb.Server.Sharing;
using WorldWeb.Server.Stepping;
using WorldWeb.Server.Visitors;
using WorldWeb.Server.Worlds;

if (LobbyVisitors.Matches(args))
{
    return await LobbyVisitors.RunAsync(args);  // bench serve --lobby-visitors' clients, in a process of their own
}
var builder = WebApplication.CreateBuilder(args);
if (ServeBenchCommand.Matches(args))
{
    builder.Configuration.AddInMemoryCollection(ServeBenchCommand.Settings(args));
}
builder.Services.AddProblemDetails();
builder.AddAnonymousIdentity();
// Order matters for shutdown: hosted services stop in reverse, so schedulers stop, then worlds are saved, then memory and the log are flushed.
builder.AddDatabase();
builder.AddCluster();
builder.AddAccounts();
builder.AddAdmin();
builder.AddOperations();
builder.AddSafety();
builder.AddActionLog();
builder.AddMemory();
builder.AddCoherence();
builder.AddModels();
builder.AddWorlds();
builder.AddSharing();
builder.AddSaves();
builder.AddLocalWorlds();
builder.AddStepping();
builder.AddLine();
builder.AddPlay();
builder.AddClips();
builder.AddLobby();
builder.AddWorldWebUi();

var app = builder.Build();
if (AdminCommand.Matches(args))
{
    return await AdminCommand.RunAsync(app, args);
}
app.UseSecurityHeaders();
app.UseForwardedClient();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAnonymousIdentity();
app.UseSafety();
app.MapModelsApi();
app.MapAccountsApi();
app.MapAdminApi();
app.MapSavesApi();
app.MapLinksApi();
app.MapPlay();
app.MapClips();
app.MapLobbyApi();
app.MapHealthChecks("/healthz").AllowAnonymous();
app.MapOperations();
app.MapWorldWebUi();
if (ServeBenchCommand.Matches(args))
{
    // After the pipeline and endpoints: the lobby's simulated visitors go through them as a browser's requests do.
    return await ServeBenchCommand.RunAsync(app, args);
}
await app.RunAsync();
return 0;

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
