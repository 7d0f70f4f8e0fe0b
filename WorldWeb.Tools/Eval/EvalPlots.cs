using ScottPlot;
using WorldWeb.Tools.Images;

namespace WorldWeb.Tools.Eval;

/// <summary>
/// The evaluation's pictures: free play's realism and sharpness over time and its frames beside the reference
/// world's, PSNR over the rollout horizon, loop closure with and without memory, and frames side by side.
/// </summary>
public static class EvalPlots
{
    public static List<string> Write(string directory, string stem, Evaluation evaluation, FreePlay freePlay, EditPersistence? edits, int width, int height)
    {
        var written = new List<string>();
        var perSecond = freePlay.PerSecond();
        if (perSecond.Values.Any(c => c.Realism.Length > 0))
        {
            var realism = Path.Combine(directory, stem + "_free_play_realism.png");
            OverTime(perSecond.ToDictionary(p => p.Key, p => p.Value.Realism), freePlay.RealRealismDb, "nearest real frame, PSNR at 16×16 (dB)", "real frames")
                .SavePng(realism, 640, 400);
            var sharpness = Path.Combine(directory, stem + "_free_play_sharpness.png");
            OverTime(perSecond.ToDictionary(p => p.Key, p => p.Value.Sharpness), 1.0, "sharpness: mean |gradient| / real frames'", "real frames (1.0)")
                .SavePng(sharpness, 640, 400);
            written.AddRange([realism, sharpness]);
        }
        if (freePlay.Strips.Count > 0)
        {
            var playStrip = Path.Combine(directory, stem + "_free_play_strip.png");
            FreePlayStrip(freePlay, width, height).Save(playStrip);
            written.Add(playStrip);
        }

        var horizon = Path.Combine(directory, stem + "_psnr_horizon.png");
        PsnrOverHorizon(evaluation).SavePng(horizon, 640, 400);
        written.Add(horizon);

        if (evaluation.LoopPsnrWithMemory is { } with && evaluation.LoopPsnrWithoutMemory is { } without)
        {
            var loop = Path.Combine(directory, stem + "_loop_memory.png");
            LoopBars(with, without).SavePng(loop, 420, 360);
            written.Add(loop);
        }

        var strip = Path.Combine(directory, stem + "_strip.png");
        SideBySide(evaluation, width, height).Save(strip);
        written.Add(strip);

        if (edits?.Strip.Count > 0)
        {
            var recall = Path.Combine(directory, stem + "_edit_persistence.png");
            MarkRecall(edits.Report()).SavePng(recall, 640, 400);
            var returns = Path.Combine(directory, stem + "_edit_persistence_strip.png");
            ReturnsStrip(edits, width, height).Save(returns);
            var paints = Path.Combine(directory, stem + "_paints_strip.png");
            PaintsStrip(edits, width, height).Save(paints);
            written.AddRange([recall, returns, paints]);
        }
        return written;
    }

    private static Plot MarkRecall(List<EditPersistenceRow> rows)
    {
        var plot = new Plot();
        foreach (var (memory, seenBefore, name) in new[] { (true, true, "memory on, loop seen before"), (true, false, "memory on"), (false, false, "memory off") })
        {
            var part = rows.Where(r => r.Memory == memory && r.SeenBefore == seenBefore).ToList();
            if (part.Count == 0) continue;
            var xs = part.Select(r => Math.Log10(r.Steps)).ToArray();
            var recall = plot.Add.Scatter(xs, part.Select(r => r.MarkRecall).ToArray());
            recall.LegendText = $"mark recall, {name}";
            var falseMarks = plot.Add.Scatter(xs, part.Select(r => r.FalseMarks).ToArray());
            falseMarks.LegendText = $"false marks, {name}";
            falseMarks.LinePattern = LinePattern.Dotted;
        }
        var steps = rows.Select(r => r.Steps).Distinct().ToArray();
        plot.Axes.Bottom.SetTicks([.. steps.Select(s => Math.Log10(s))], [.. steps.Select(s => s.ToString())]);
        plot.Axes.Bottom.Label.Text = "steps away before returning (20 per second)";
        plot.Axes.Left.Label.Text = "share of returns";
        plot.Axes.SetLimitsY(-0.05, 1.05);
        plot.Title("Paint a wall, leave, come back: is the mark there?");
        plot.ShowLegend();
        return plot;
    }

    /// <summary>Every paint: the model's frame just before it (after a way in, whether its world still shows the wall),
    /// the world's frame right after it, and the model's, so what drawing loses shows beside what memory keeps.</summary>
    private static FrameStrip PaintsStrip(EditPersistence edits, int width, int height)
    {
        var columns = edits.Paints.Count;
        var strip = new FrameStrip(width, height, columns, 3 * columns);
        for (var i = 0; i < columns; i++)
        {
            strip.Place(i, edits.Paints[i].Before);
            strip.Place(columns + i, edits.Paints[i].World);
            strip.Place(2 * columns + i, edits.Paints[i].Drawn);
        }
        return strip;
    }

    /// <summary>One column per loop length: the reference world at the return, then the model with memory and the loop
    /// seen before, with memory, without.</summary>
    private static FrameStrip ReturnsStrip(EditPersistence edits, int width, int height)
    {
        var columns = edits.Strip.Count;
        var strip = new FrameStrip(width, height, columns, columns * 4);
        var column = 0;
        foreach (var frames in edits.Strip.Values)
        {
            strip.Place(column, frames.Reference);
            byte[]?[] rows = [frames.SeenBefore, frames.WithMemory, frames.WithoutMemory];
            for (var row = 0; row < rows.Length; row++)
            {
                if (rows[row] is { } frame) strip.Place((row + 1) * columns + column, frame);
            }
            column++;
        }
        return strip;
    }

    private static Plot OverTime(Dictionary<string, double[]> curves, double real, string label, string realLabel)
    {
        var plot = new Plot();
        foreach (var (name, values) in curves.Where(c => c.Value.Length > 0))
        {
            var line = plot.Add.Scatter(Enumerable.Range(0, values.Length).Select(s => s + 0.5).ToArray(), values);
            line.LegendText = name;
            line.MarkerSize = 0;
            if (name.StartsWith("reference")) line.LinePattern = LinePattern.Dotted;
        }
        var level = plot.Add.HorizontalLine(real);
        level.LegendText = realLabel;
        level.LinePattern = LinePattern.Dashed;
        plot.Axes.Bottom.Label.Text = "seconds of play (20 steps each)";
        plot.Axes.Left.Label.Text = label;
        plot.Title("Free play: the model on its own output");
        plot.ShowLegend();
        return plot;
    }

    /// <summary>Per policy, two rows: the reference world, then the model, at <see cref="FreePlay.StripSeconds"/>.</summary>
    private static FrameStrip FreePlayStrip(FreePlay freePlay, int width, int height)
    {
        var columns = freePlay.Strips.Values.Max(s => s.Count);
        var strip = new FrameStrip(width, height, columns, columns * 2 * freePlay.Strips.Count);
        var row = 0;
        foreach (var frames in freePlay.Strips.Values)
        {
            for (var i = 0; i < frames.Count; i++)
            {
                strip.Place(row * columns + i, frames[i].Reference);
                strip.Place((row + 1) * columns + i, frames[i].Generated);
            }
            row += 2;
        }
        return strip;
    }

    private static Plot PsnrOverHorizon(Evaluation evaluation)
    {
        var plot = new Plot();
        var means = evaluation.MeanPsnrByHorizon;
        var xs = Enumerable.Range(1, means.Count).Where(h => !double.IsNaN(means[h - 1])).Select(h => (double)h).ToArray();
        var line = plot.Add.Scatter(xs, xs.Select(h => means[(int)h - 1]).ToArray());
        line.LegendText = "rollout (model on its own)";
        line.MarkerSize = 0;
        if (evaluation.TeacherForcedPsnr is { } teacher)
        {
            var level = plot.Add.HorizontalLine(teacher);
            level.LegendText = "teacher-forced";
            level.LinePattern = LinePattern.Dashed;
        }
        plot.Axes.Bottom.Label.Text = "horizon (steps)";
        plot.Axes.Left.Label.Text = "PSNR vs reference world (dB)";
        plot.Title("Rollout quality over horizon");
        plot.ShowLegend();
        return plot;
    }

    private static Plot LoopBars(double with, double without)
    {
        var plot = new Plot();
        plot.Add.Bars(new[] { new Bar { Position = 1, Value = with, FillColor = Colors.SeaGreen }, new Bar { Position = 2, Value = without, FillColor = Colors.Gray } });
        plot.Axes.Bottom.SetTicks([1, 2], ["memory on", "memory off"]);
        plot.Axes.Left.Label.Text = "PSNR at return to A (dB)";
        plot.Axes.Margins(bottom: 0);
        plot.Title("Loop closure A→B→A");
        return plot;
    }

    /// <summary>Top row: reference at horizons 1…128; second: the model. Last column pair: loop return (reference, memory on, memory off).</summary>
    private static FrameStrip SideBySide(Evaluation evaluation, int width, int height)
    {
        var columns = Math.Max(evaluation.RolloutStrip.Count, 3);
        var strip = new FrameStrip(width, height, columns, columns * 3);
        for (var i = 0; i < evaluation.RolloutStrip.Count; i++)
        {
            strip.Place(i, evaluation.RolloutStrip[i].Reference);
            strip.Place(columns + i, evaluation.RolloutStrip[i].Generated);
        }
        if (evaluation.LoopStrip is var (reference, withMemory, withoutMemory))
        {
            strip.Place(2 * columns, reference);
            strip.Place(2 * columns + 1, withMemory);
            strip.Place(2 * columns + 2, withoutMemory);
        }
        return strip;
    }
}
