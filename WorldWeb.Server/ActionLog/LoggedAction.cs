namespace WorldWeb.Server.ActionLog;

/// <summary>The action a world applied to make step <see cref="Step"/>, and who sent it (null: nobody).</summary>
public readonly record struct LoggedAction(string WorldId, long Step, byte Action, string? Who = null);
