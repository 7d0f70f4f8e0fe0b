namespace WorldWeb.Server.Accounts;

/// <summary>
/// The first admin, from configuration (<c>Admin__Email</c>, <c>Admin__Password</c> in the environment or a
/// secret store; never in a committed file). Both unset: no admin is created at start; use
/// <c>./worldweb admin create</c>.
/// </summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    public string? Email { get; set; }

    public string? Password { get; set; }
}
