namespace WorldWeb.Server.Worlds;

/// <summary>A live world's memory size, revisit score and guard rollbacks.</summary>
public sealed record WorldCoherence(int MemoryEntries, long MemoryBytes, int Revisits, double? RevisitPsnr, double? LastRevisitPsnr, int Rollbacks);
