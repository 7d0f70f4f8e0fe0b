using System.Net;
using Bunit;
using WorldWeb.Client.Admin;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Tests.Client;

[Trait(Category.Name, Category.Unit)]
public sealed class AdminDashboardTests : ClientTestContext
{
    private static readonly LiveSessionInfo Session =
        new("aaaaaaaaaaaaaaaa", "Meadow", "default", "owner-1", 2, 20, 12.5, 300, 4.2, 9.9, 1.5, new(14, 12_800, 3, 18.44, 17.9, 1));

    [Fact]
    public void LiveSessions_ShowsEachSessionsNumbers_AndMarksASlowOne()
    {
        Server.OnJson("GET", "/api/admin/sessions", new[] { Session });

        var table = Render<LiveSessions>();

        table.WaitForAssertion(() => Assert.Single(table.FindAll("tr.session")));
        var cells = table.FindAll("tr.session td").Select(c => c.TextContent.Trim()).ToArray();
        Assert.Contains("Meadow", cells[0]);
        Assert.Equal(["default", "2", "12.5 / 20", "4.2 / 9.9", "1.5", "300"], [cells[1], cells[3], cells[4], cells[5], cells[6], cells[7]]);
        Assert.Single(table.FindAll("td.slow"));
        Assert.StartsWith("api/admin/history.svg", table.Find("img.history-chart").GetAttribute("src"));
    }

    [Fact]
    public void LiveSessions_ShowEachSessionsMemoryEntriesRevisitScoreAndRollbacks()
    {
        LiveSessionInfo unrevisited = Session with { WorldId = "bbbbbbbbbbbbbbbb", Coherence = new(0, 0, 0, null, null, 0) };
        Server.OnJson("GET", "/api/admin/sessions", new[] { Session, unrevisited });

        var table = Render<LiveSessions>();

        table.WaitForAssertion(() => Assert.Equal(2, table.FindAll("tr.session").Count));
        Assert.Contains("revisit PSNR", table.Find("table.sessions thead").TextContent);
        Assert.Equal(["14 12.5 KB", "18.4 dB (3)", "1"], Coherence(table, "aaaaaaaaaaaaaaaa"));
        Assert.Equal(["0 0.0 KB", "–", "0"], Coherence(table, "bbbbbbbbbbbbbbbb"));
    }

    private static string[] Coherence(IRenderedComponent<LiveSessions> table, string worldId) =>
        [.. new[] { "memory", "revisits", "rollbacks" }.Select(c => table.Find($"tr[data-world={worldId}] td.{c}").TextContent.Trim())];

    [Fact]
    public void LiveSessions_Stop_CallsTheApiAndTellsThePage()
    {
        var answers = new Queue<LiveSessionInfo[]>([[Session], []]);
        Server.On("GET", "/api/admin/sessions", _ => FakeServerApi.JsonAnswer(answers.Count > 1 ? answers.Dequeue() : answers.Peek()));
        Server.On("POST", "/api/admin/worlds/aaaaaaaaaaaaaaaa/stop", _ => new HttpResponseMessage(HttpStatusCode.NoContent));
        int changed = 0;
        var table = Render<LiveSessions>(p => p.Add(x => x.Changed, () => changed++).Add(x => x.Every, TimeSpan.FromHours(1)));
        table.WaitForAssertion(() => Assert.Single(table.FindAll("tr.session")));

        table.Find("button.stop").Click();

        table.WaitForAssertion(() => Assert.Contains("No world is live.", table.Markup));
        Assert.Single(Server.Sent("POST", "/api/admin/worlds/aaaaaaaaaaaaaaaa/stop"));
        Assert.Equal(1, changed);
    }

    [Fact]
    public void LiveSessions_Forbidden_SaysWhy()
    {
        Server.On("GET", "/api/admin/sessions", _ => FakeServerApi.Problem(HttpStatusCode.Forbidden, "Forbidden", "Admins only."));

        var table = Render<LiveSessions>();

        table.WaitForAssertion(() => Assert.Contains("Could not load the sessions: Admins only.", table.Find("[role=alert]").TextContent));
    }

    [Fact]
    public void AuditLog_ListsEntries_AndFiltersByWhoWhatAndTarget()
    {
        AuditEntryInfo entry = new(7, new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero), "u1", "ann@example.org", "world.delete", "bbbbbbbbbbbbbbbb", "Meadow");
        Server.OnJson("GET", "/api/admin/audit", new[] { entry });

        var view = Render<AuditLogView>();
        view.WaitForAssertion(() => Assert.Single(view.FindAll("tr.audit-entry")));
        Assert.Equal(["2026-11-25 12:00:00", "ann@example.org", "world.delete", "bbbbbbbbbbbbbbbb", "Meadow"],
            view.FindAll("tr.audit-entry td").Select(c => c.TextContent.Trim()));

        view.Find("input.actor").Change("ann");
        view.Find("input.action").Change("world.delete");
        view.Find("form.audit-filter").Submit();

        view.WaitForAssertion(() => Assert.Equal(2, Server.Sent("GET", "/api/admin/audit").Count()));
    }

    [Fact]
    public void AdminPage_ForAVisitorWithoutTheAdminRole_PointsToSignIn()
    {
        Server.OnJson("GET", "/api/account", new AccountInfo("x", null, false, []));

        var page = Render<AdminPage>();

        page.WaitForAssertion(() => Assert.Contains("The admin area is for admins.", page.Find("[role=alert]").TextContent));
        Assert.DoesNotContain(Server.Requests, r => r.Path.StartsWith("/api/admin", StringComparison.Ordinal));
    }

    [Fact]
    public void WorldsAdmin_Search_ThenForceSave_CallsTheApiAndSaysSo()
    {
        AdminWorldInfo world = new("cccccccccccccccc", "Cave", "default", "owner-2", false, true, 42, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        Server.OnJson("GET", "/api/admin/worlds", new[] { world });
        Server.On("POST", "/api/admin/worlds/cccccccccccccccc/save", _ => FakeServerApi.JsonAnswer(new SaveInfo("s1", "admin save", 42, 10, DateTimeOffset.UnixEpoch), HttpStatusCode.Created));
        int changed = 0;
        var panel = Render<WorldsAdmin>(p => p.Add(x => x.Changed, () => changed++));
        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("tr.admin-world")));

        panel.Find("input.query").Change("cave");
        panel.Find("form.world-search").Submit();
        panel.Find("button.save").Click();

        panel.WaitForAssertion(() => Assert.Contains("World cccccccccccccccc saved.", panel.Find("[role=status]").TextContent));
        Assert.Single(Server.Sent("POST", "/api/admin/worlds/cccccccccccccccc/save"));
        Assert.Equal(1, changed);
        Assert.Equal("worlds/cccccccccccccccc", panel.Find("tr.admin-world a").GetAttribute("href"));
    }
}
