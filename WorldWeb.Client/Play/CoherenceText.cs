using System.Globalization;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Client.Play;

/// <summary>A world's revisit score as the play page and the admin dashboard write it.</summary>
public static class CoherenceText
{
    /// <summary>"18.4 dB (3)": the mean revisit PSNR and how many revisits it averages; "–" before the first.</summary>
    public static string MeanRevisit(WorldCoherenceInfo coherence) =>
        coherence.RevisitPsnr is { } psnr ? $"{Decibels(psnr)} ({coherence.Revisits})" : "–";

    public static string Decibels(double? psnr) =>
        psnr is { } value ? string.Create(CultureInfo.InvariantCulture, $"{value:0.0} dB") : "–";
}
