using WorldWeb.Tools.Bench;
using WorldWeb.Tools.Cli;
using WorldWeb.Tools.Datagen;
using WorldWeb.Tools.Eval;
using WorldWeb.Tools.Images;
using WorldWeb.Tools.Load;
using WorldWeb.Tools.Models;

// The offline commands behind ./worldweb: data generation, evaluation and benchmarks.
try
{
    var command = CommandArgs.Parse(args);
    return command.Command switch
    {
        "datagen" => DatagenCommand.Run(command),
        "eval" => EvalCommand.Run(command),
        "bench" when command.Positional is ["world", ..] => WorldBenchCommand.Run(command),
        "bench" when command.Positional is ["inference", ..] => InferenceBenchCommand.Run(command),
        "bench" when command.Positional is ["encode", ..] => EncodeBenchCommand.Run(command),
        "bench" when command.Positional is ["load", ..] => LoadBenchCommand.Run(command),
        "bench" when command.Positional is ["memory", ..] => MemoryBenchCommand.Run(command),
        "bench" when command.Positional is ["turnaround", ..] => TurnaroundBenchCommand.Run(command),
        "snapshot" => SnapshotCommand.Run(command),
        "token-prior" => TokenPriorCommand.Run(command),
        _ => throw new UsageException($"unknown command '{command.Command} {string.Join(" ", command.Positional)}'. Run ./worldweb help."),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
