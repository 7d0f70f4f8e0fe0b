using System.ComponentModel.DataAnnotations;

namespace WorldWeb.Server.Accounts;

/// <summary>Accounts, bound from the <c>Accounts</c> section.</summary>
public sealed class AccountOptions
{
    public const string SectionName = "Accounts";

    /// <summary>How often the account behind a cookie is read again, so that a demotion or a deletion takes effect.</summary>
    [Range(1, 86_400)]
    public int RevalidateSeconds { get; set; } = 60;
}
