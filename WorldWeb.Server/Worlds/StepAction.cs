namespace WorldWeb.Server.Worlds;

/// <summary>
/// The action a step applies, the <c>seq</c> its player sent it with, whether it is a press (applied once), and who
/// sent it (<see cref="Actors"/>; null: nobody, as after the player left).
/// </summary>
public readonly record struct StepAction(int Action, long Seq, bool Press, string? Who = null);
