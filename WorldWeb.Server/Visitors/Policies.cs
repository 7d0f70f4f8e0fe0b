namespace WorldWeb.Server.Visitors;

/// <summary>The authorization policies every endpoint and hub method names.</summary>
public static class Policies
{
    /// <summary>Any caller with an identity: an anonymous visitor (cookie) or a signed-in account.</summary>
    public const string Visitor = "visitor";

    /// <summary>Accounts in the <see cref="AccountRoles.Admin"/> role.</summary>
    public const string Admin = "admin";
}

public static class AccountRoles
{
    public const string Admin = "admin";
}
