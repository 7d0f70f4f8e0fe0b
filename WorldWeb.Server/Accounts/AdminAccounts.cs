using Microsoft.AspNetCore.Identity;
using WorldWeb.Server.Visitors;

namespace WorldWeb.Server.Accounts;

/// <summary>
/// Makes an account an admin: creates it with the given password, or, with <c>promoteExisting</c>, promotes an existing
/// one (its password unchanged). Only the operator's own command may promote: anyone can sign up with an email.
/// </summary>
public sealed class AdminAccounts(UserManager<IdentityUser> users, RoleManager<IdentityRole> roles)
{
    public static readonly IdentityError NotPromoted = new()
    {
        Code = "ExistingAccount",
        Description = "An account with this email exists and is not an admin, and anyone can sign up with any email: it was not promoted. " +
                      "Only if you know you made it yourself, promote it with `./worldweb admin create --email EMAIL --promote-existing`; " +
                      "otherwise choose another admin email.",
    };

    public async Task<(IdentityUser? User, bool Created, IEnumerable<IdentityError> Errors)> EnsureAdminAsync(string email, string password, bool promoteExisting)
    {
        if (!await roles.RoleExistsAsync(AccountRoles.Admin))
        {
            IdentityResult role = await roles.CreateAsync(new IdentityRole(AccountRoles.Admin));
            if (!role.Succeeded)
            {
                return (null, false, role.Errors);
            }
        }
        IdentityUser? user = await users.FindByEmailAsync(email);
        bool created = false;
        if (user is null)
        {
            user = new IdentityUser { UserName = email, Email = email };
            IdentityResult create = await users.CreateAsync(user, password);
            if (!create.Succeeded)
            {
                return (null, false, create.Errors);
            }
            created = true;
        }
        if (!await users.IsInRoleAsync(user, AccountRoles.Admin))
        {
            if (!created && !promoteExisting)
            {
                return (null, false, [NotPromoted]);
            }
            IdentityResult add = await users.AddToRoleAsync(user, AccountRoles.Admin);
            if (!add.Succeeded)
            {
                return (null, created, add.Errors);
            }
        }
        return (user, created, []);
    }
}
