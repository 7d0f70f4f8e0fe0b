using System.Security.Claims;
using WorldWeb.Client.Contracts;
using WorldWeb.Server.Sharing;
using WorldWeb.Server.Visitors;

namespace WorldWeb.Server.Clips;

/// <summary>A clip refused, as the API answers it: status, title, detail, and the field at fault for a 400.</summary>
public sealed record ClipRefusal(int Status, string Title, string Detail, string? Field = null, int? RetryAfterSeconds = null);

/// <summary>
/// Which steps of a world a caller may clip: its owner any, anyone else (a viewer or player, by a public world's id,
/// a share link or as an admin) the steps from when they first joined it, the steps they could have watched.
/// </summary>
public sealed class ClipRights(WorldRefs worldRefs, WorldVisits visits)
{
    public async Task<(ResolvedWorld? World, ClipRefusal? Refusal)> CheckAsync(string? worldRef, long fromStep, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        (ResolvedWorld? world, WorldRefRefusal refusal, string message) = await worldRefs.ResolveAsync(worldRef, user, cancellationToken);
        if (world is null)
        {
            return (null, refusal switch
            {
                WorldRefRefusal.Malformed => new ClipRefusal(StatusCodes.Status400BadRequest, "Invalid request", message, "world"),
                WorldRefRefusal.LinkEnded => new ClipRefusal(StatusCodes.Status403Forbidden, "Share link ended", message),
                _ => new ClipRefusal(StatusCodes.Status404NotFound, "World not found", message),
            });
        }
        if (world.Role == WorldRoles.Owner)
        {
            return (world, null);
        }
        long? joined = user.UserId() is { } visitor ? await visits.FirstStepAsync(world.World.Id, visitor, cancellationToken) : null;
        return joined switch
        {
            null => (null, new ClipRefusal(StatusCodes.Status403Forbidden, "Not joined",
                "You have not joined this world: you may clip only the steps from when you joined it.")),
            { } first when fromStep < first => (null, new ClipRefusal(StatusCodes.Status403Forbidden, "Before you joined",
                $"You joined this world at step {first}: you may clip its steps from {first} on, the ones you could watch.")),
            _ => (world, null),
        };
    }
}
