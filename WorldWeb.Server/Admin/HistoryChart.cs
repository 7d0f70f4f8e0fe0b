using ScottPlot;
using WorldWeb.Client.Contracts;

namespace WorldWeb.Server.Admin;

/// <summary>The dashboard's chart, drawn with ScottPlot as SVG: mean fps (left axis) and step time p50/p99 (right axis) per model over the last minutes.</summary>
public static class HistoryChart
{
    /// <param name="now">The right end of the time axis (the server's clock).</param>
    public static string Svg(IReadOnlyList<HistoryPoint> points, DateTimeOffset now, int width, int height)
    {
        var plot = new Plot();
        foreach (IGrouping<string, HistoryPoint> model in points.GroupBy(p => p.Model))
        {
            double[] xs = [.. model.Select(p => (p.At - now).TotalMinutes)];
            var fps = plot.Add.Scatter(xs, model.Select(p => p.MeanFps).ToArray());
            fps.LegendText = $"{model.Key} fps";
            fps.MarkerSize = 0;
            var p50 = plot.Add.Scatter(xs, model.Select(p => p.StepMsP50).ToArray());
            p50.LegendText = $"{model.Key} step p50 ms";
            p50.MarkerSize = 0;
            p50.Axes.YAxis = plot.Axes.Right;
            var p99 = plot.Add.Scatter(xs, model.Select(p => p.StepMsP99).ToArray());
            p99.LegendText = $"{model.Key} step p99 ms";
            p99.MarkerSize = 0;
            p99.LinePattern = LinePattern.Dashed;
            p99.Axes.YAxis = plot.Axes.Right;
        }
        plot.Axes.Bottom.Label.Text = "minutes ago";
        plot.Axes.Left.Label.Text = "fps";
        plot.Axes.Right.Label.Text = "step ms";
        plot.ShowLegend(Alignment.UpperLeft);
        string svg = plot.GetSvgHtml(width, height);
        // Inline SVG needs no namespace, but an <img> (how the dashboard shows it) renders nothing without one.
        int open = svg.IndexOf("<svg", StringComparison.Ordinal);
        return open < 0 || svg.Contains("xmlns=\"http://www.w3.org/2000/svg\"", StringComparison.Ordinal)
            ? svg
            : svg.Insert(open + 4, " xmlns=\"http://www.w3.org/2000/svg\"");
    }
}
