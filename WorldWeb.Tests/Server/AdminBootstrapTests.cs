using System.Net;
using System.Net.Http.Json;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Tests.Server;

/// <summary>The admin bootstrap of <c>Admin__Email</c>, in the real server process, against an account someone made first.</summary>
[Collection(ServerCollection.Name)]
[Trait(Category.Name, Category.Postgres)]
public sealed class AdminBootstrapTests(WorldWebFactory factory)
{
    [Fact]
    public async Task AccountSignedUpWithTheAdminEmail_IsNotPromotedAtStart_AndItsPasswordOpensNoAdminApi()
    {
        string email = TestUser.NewEmail();
        const string SquatterPassword = "squatter-password-1", OperatorPassword = "operator-password-1";
        TestUser squatter = await TestUser.CreateAsync(factory);
        await squatter.SignInAsync(email, SquatterPassword, signUp: true);

        var settings = new Dictionary<string, string> { ["Admin__Email"] = email, ["Admin__Password"] = OperatorPassword };
        await using ServerProcess server = await ServerProcess.StartAsync(settings: settings);
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = server.Address };

        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/api/account/signin", new Credentials(email, SquatterPassword))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync("/api/admin/system")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await http.PostAsJsonAsync("/api/account/signin", new Credentials(email, OperatorPassword))).StatusCode);
        Assert.Contains("was not made an admin", server.Output);
        Assert.Contains("--promote-existing", server.Output);
    }

    [Fact]
    public async Task AdminCreate_RefusesAnAccountItDidNotCreate_UnlessToldToPromoteIt()
    {
        string email = TestUser.NewEmail();
        TestUser squatter = await TestUser.CreateAsync(factory);
        await squatter.SignInAsync(email, "squatter-password-1", signUp: true);

        (int refusedCode, string refused) = await AdminCreateAsync(email);
        Assert.Equal(HttpStatusCode.Forbidden, (await squatter.Http.GetAsync("/api/admin/system")).StatusCode);
        (int promotedCode, string promoted) = await AdminCreateAsync(email, "--promote-existing");

        Assert.Equal(1, refusedCode);
        Assert.Contains("was not promoted", refused);
        Assert.Contains("--promote-existing", refused);
        Assert.Equal(0, promotedCode);
        Assert.Contains("is now an admin", promoted);
    }

    /// <summary><c>WorldWeb.Server admin create</c> as <c>./worldweb admin create</c> runs it, on the tests' database.</summary>
    private static async Task<(int ExitCode, string Output)> AdminCreateAsync(string email, params string[] more)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [ServerProcess.DllPath, "admin", "create", "--email", email, .. more])
        {
            WorkingDirectory = Path.GetDirectoryName(ServerProcess.DllPath)!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ConnectionStrings__WorldWeb"] = TestEnvironment.ConnectionString;
        using var process = System.Diagnostics.Process.Start(start)!;
        await process.StandardInput.WriteLineAsync("operator-password-1");
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync(), errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await errors);
    }
}
