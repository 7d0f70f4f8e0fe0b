using WorldWeb.Client.Contracts;

namespace WorldWeb.Server.Worlds;

/// <summary>A live world's memory size, revisit score and guard rollbacks.</summary>
public sealed record WorldCoherence(int MemoryEntries, long MemoryBytes, int Revisits, double? RevisitPsnr, double? LastRevisitPsnr, int Rollbacks)
{
    /// <summary>As the API shows it (world details and admin sessions alike): PSNR to 0.01 dB.</summary>
    public WorldCoherenceInfo ToInfo() =>
        new(MemoryEntries, MemoryBytes, Revisits, Round(RevisitPsnr), Round(LastRevisitPsnr), Rollbacks);

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 2) : null;
}
