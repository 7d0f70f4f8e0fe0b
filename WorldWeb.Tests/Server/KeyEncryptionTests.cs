using System.Net;
using Npgsql;
using WorldWeb.Tests.EndToEnd;

namespace WorldWeb.Tests.Server;

/// <summary>
/// The Data Protection keys (they encrypt every cookie) are stored in the database encrypted to a certificate kept
/// outside it, which the server makes on first start, readable by its owner only; a restart with the same file still
/// reads the cookies it issued.
/// </summary>
[Trait(Category.Name, Category.Postgres)]
public sealed class KeyEncryptionTests : IAsyncLifetime
{
    private readonly string database = $"worldweb_keys_{Guid.NewGuid():N}"[..30];
    private readonly string folder = Directory.CreateTempSubdirectory("worldweb-keys-").FullName;

    private string ConnectionString => new NpgsqlConnectionStringBuilder(TestEnvironment.ConnectionString) { Database = database }.ConnectionString;

    public async Task InitializeAsync() => await ServedApp.ExecuteAsync(TestEnvironment.ConnectionString, $"CREATE DATABASE {database}");

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ServedApp.ExecuteAsync(TestEnvironment.ConnectionString, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Keys_AreStoredEncryptedToACertificateOutsideTheDatabase_AndACookieOutlivesARestart()
    {
        string certificate = Path.Combine(folder, "data", "dataprotection.pfx");
        var settings = new Dictionary<string, string> { ["DataProtection__CertificatePath"] = certificate };
        int port = ServerProcess.FreePort();
        var cookies = new CookieContainer();
        await using (ServerProcess first = await ServerProcess.StartAsync(port, ConnectionString, settings))
        {
            using HttpClient visitor = first.Client(cookies);
            (await visitor.GetAsync("/api/models")).EnsureSuccessStatusCode();  // issues the identity cookie: a key is made
            // The migrations ran before Data Protection first read its keys: it logged no error on the fresh database.
            // (EF's own "Failed executing DbCommand" for the history table it probes is expected: efcore.pg #3407.)
            Assert.DoesNotContain("fail: Microsoft.AspNetCore.DataProtection", first.Output, StringComparison.Ordinal);
        }
        Assert.Single(cookies.GetAllCookies());

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(certificate));
        }
        List<string> keys = await KeysAsync();
        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.Contains("<encryptedSecret", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        });

        await using ServerProcess second = await ServerProcess.StartAsync(port, ConnectionString, settings);
        using HttpClient again = second.Client(cookies);
        HttpResponseMessage response = await again.GetAsync("/api/models");
        response.EnsureSuccessStatusCode();
        // The cookie was read, so no new identity was issued.
        Assert.False(response.Headers.Contains("Set-Cookie"), string.Join("; ", response.Headers.TryGetValues("Set-Cookie", out var set) ? set : []));
        Assert.Equal(keys.Count, (await KeysAsync()).Count);
    }

    private async Task<List<string>> KeysAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT xml FROM data_protection_keys", connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        var keys = new List<string>();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }
        return keys;
    }
}
