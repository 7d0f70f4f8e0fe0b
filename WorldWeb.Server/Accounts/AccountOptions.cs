using System.ComponentModel.DataAnnotations;

namespace WorldWeb.Server.Accounts;

/// <summary>Accounts, bound from the <c>Accounts</c> section.</summary>
public sealed class AccountOptions
{
    public const string SectionName = "Accounts";

    /// <summary>How often the account behind a cookie is read again, so that a demotion or a deletion takes effect.</summary>
    [Range(1, 86_400)]
    public int RevalidateSeconds { get; set; } = 60;

    /// <summary>
    /// How often each node reads the accounts its open hub connections are signed in as (one query for all of them), so
    /// that a deletion, a sign-out or a demotion reaches connections that stay open.
    /// </summary>
    [Range(1, 3_600)]
    public int OpenConnectionSeconds { get; set; } = 1;
}
