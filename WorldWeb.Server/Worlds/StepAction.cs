namespace WorldWeb.Server.Worlds;

/// <summary>The action a step applies, the <c>seq</c> its player sent it with, and whether it is a press (applied once).</summary>
public readonly record struct StepAction(int Action, long Seq, bool Press);
