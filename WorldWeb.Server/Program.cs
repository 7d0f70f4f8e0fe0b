using WorldWeb.Server.ActionLog;
using WorldWeb.Server.Coherence;
using WorldWeb.Server.Components;
using WorldWeb.Server.Identity;
using WorldWeb.Server.Memory;
using WorldWeb.Server.Models;
using WorldWeb.Server.Persistence;
using WorldWeb.Server.Play;
using WorldWeb.Server.Stepping;
using WorldWeb.Server.Worlds;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddProblemDetails();
builder.AddAnonymousIdentity();
// Order matters for shutdown: hosted services stop in reverse, so schedulers stop, then worlds are saved, then memory and the log are flushed.
builder.AddPersistence();
builder.AddActionLog();
builder.AddMemory();
builder.AddCoherence();
builder.AddModels();
builder.AddWorlds();
builder.AddStepping();
builder.AddPlay();
builder.AddWorldWebUi();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAnonymousIdentity();
app.MapModelsApi();
app.MapWorlds();
app.MapPlay();
app.MapHealthChecks("/healthz");
app.MapWorldWebUi();
app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
