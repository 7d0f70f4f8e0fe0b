using WorldWeb.Server.Components;

var builder = WebApplication.CreateBuilder(args);
builder.AddWorldWebUi();

var app = builder.Build();
app.MapWorldWebUi();
app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
