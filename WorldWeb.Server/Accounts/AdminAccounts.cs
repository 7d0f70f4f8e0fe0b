using Microsoft.AspNetCore.Identity;

namespace WorldWeb.Server.Accounts;

/// <summary>Makes an account an admin: creates it with the given password, or promotes an existing one (its password unchanged).</summary>
public sealed class AdminAccounts(UserManager<IdentityUser> users, RoleManager<IdentityRole> roles)
{
    public async Task<(IdentityUser? User, bool Created, IEnumerable<IdentityError> Errors)> EnsureAdminAsync(string email, string password)
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
            IdentityResult add = await users.AddToRoleAsync(user, AccountRoles.Admin);
            if (!add.Succeeded)
            {
                return (null, created, add.Errors);
            }
        }
        return (user, created, []);
    }
}
