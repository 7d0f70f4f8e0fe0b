using System.Text.Json;

namespace WorldWeb.Tools.Bench;

/// <summary>One kind of operator's share of a profiled step: its kernels' time per step, summed over its nodes.</summary>
public sealed record OperatorTime(string Op, int Nodes, double MsPerStep, double Share);

/// <summary>
/// Where a step's time goes, by operator, from ONNX Runtime's profile (a Chrome trace): every node's kernel time
/// summed per operator and divided by the runs the trace holds (warm-up included, so the shares are what count).
/// </summary>
public static class OperatorProfile
{
    public static (int Runs, double RunMs, OperatorTime[] Operators) Read(string tracePath)
    {
        using var trace = JsonDocument.Parse(File.ReadAllBytes(tracePath));
        int runs = 0;
        double runMicroseconds = 0;
        var byOp = new Dictionary<string, (HashSet<string> Nodes, double Microseconds)>();
        foreach (var e in trace.RootElement.EnumerateArray())
        {
            string category = e.GetProperty("cat").GetString()!, name = e.GetProperty("name").GetString()!;
            double microseconds = e.GetProperty("dur").GetDouble();
            if (category == "Session" && name == "model_run")
            {
                runs++;
                runMicroseconds += microseconds;
            }
            else if (category == "Node" && name.EndsWith("_kernel_time", StringComparison.Ordinal))
            {
                string op = e.GetProperty("args").GetProperty("op_name").GetString()!;
                var (nodes, total) = byOp.TryGetValue(op, out var seen) ? seen : ([], 0);
                nodes.Add(name);
                byOp[op] = (nodes, total + microseconds);
            }
        }
        if (runs == 0) throw new InvalidDataException($"{tracePath} holds no model run: was the session profiled?");
        double kernels = byOp.Values.Sum(v => v.Microseconds);
        OperatorTime[] operators = [.. byOp
            .Select(kv => new OperatorTime(kv.Key, kv.Value.Nodes.Count, Math.Round(kv.Value.Microseconds / runs / 1000, 3), Math.Round(kv.Value.Microseconds / kernels, 4)))
            .OrderByDescending(o => o.MsPerStep)];
        return (runs, Math.Round(runMicroseconds / runs / 1000, 3), operators);
    }
}
