namespace WorldWeb.Server.ActionLog;

/// <summary>The action a world applied to make step <see cref="Step"/>.</summary>
public readonly record struct LoggedAction(string WorldId, long Step, byte Action);
