using System.Net.Http.Json;
using WorldWeb.Client.Api;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Client.Account;

/// <summary><c>/api/account</c>: who am I, sign up, sign in, sign out. The identity cookie does the rest.</summary>
public sealed class AccountClient(HttpClient http)
{
    public async Task<AccountInfo> GetAsync(CancellationToken ct = default)
    {
        using HttpResponseMessage response = await http.GetAsync("api/account", ct);
        return await ReadAsync(response, ct);
    }

    public async Task<AccountInfo> SignInAsync(string email, string password, bool signUp, CancellationToken ct = default)
    {
        using HttpResponseMessage response = await http.PostAsJsonAsync(signUp ? "api/account/signup" : "api/account/signin", new Credentials(email, password), ct);
        return await ReadAsync(response, ct);
    }

    public async Task SignOutAsync(CancellationToken ct = default)
    {
        using HttpResponseMessage response = await http.PostAsync("api/account/signout", null, ct);
        await WorldApiException.ThrowIfFailedAsync(response, ct);
    }

    private static async Task<AccountInfo> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await WorldApiException.ThrowIfFailedAsync(response, ct);
        return await response.Content.ReadFromJsonAsync<AccountInfo>(ct) ?? throw new WorldApiException((int)response.StatusCode, "The server sent an empty answer.");
    }
}
