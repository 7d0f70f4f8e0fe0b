using WorldWeb.Inference.Runtime;

namespace WorldWeb.Tools.Cli;

/// <summary>
/// Where a command runs the model: <c>--provider cpu|cuda</c>, the CUDA provider's settings,
/// <c>--batch-padding auto|none|powers-of-two</c>, <c>--context-pooling auto|on|off</c>, <c>--precision auto|float|half|int8</c>,
/// <c>--graph-optimization all|extended|basic|disabled</c> (ONNX Runtime's passes; all, the server's, by default)
/// and <c>--cuda-graphs</c> (docs/gpu.md).
/// </summary>
public static class InferenceArgs
{
    public static InferenceOptions Read(CommandArgs args, int intraOpThreads = 0)
    {
        var provider = args.Text("provider") ?? "cpu";
        var search = args.Text("conv-search");
        var padding = args.Text("batch-padding");
        var pooling = args.Text("context-pooling");
        var precision = args.Text("precision");
        return new InferenceOptions
        {
            IntraOpThreads = intraOpThreads,
            BatchPadding = padding switch
            {
                null or "auto" => BatchPadding.Auto,
                "none" => BatchPadding.None,
                "powers-of-two" => BatchPadding.PowersOfTwo,
                _ => throw new UsageException($"--batch-padding must be auto, none or powers-of-two, not '{padding}'."),
            },
            ContextPooling = pooling switch
            {
                null or "auto" => ContextPooling.Auto,
                "on" => ContextPooling.On,
                "off" => ContextPooling.Off,
                _ => throw new UsageException($"--context-pooling must be auto, on or off, not '{pooling}'."),
            },
            Precision = precision switch
            {
                null or "auto" => Precision.Auto,
                "float" => Precision.Float,
                "half" => Precision.Half,
                "int8" => Precision.Int8,
                _ => throw new UsageException($"--precision must be auto, float, half or int8, not '{precision}'."),
            },
            GraphOptimization = args.Text("graph-optimization") switch
            {
                null or "all" => GraphOptimization.All,
                "extended" => GraphOptimization.Extended,
                "basic" => GraphOptimization.Basic,
                "disabled" => GraphOptimization.Disabled,
                string level => throw new UsageException($"--graph-optimization must be all, extended, basic or disabled, not '{level}'."),
            },
            CudaGraphs = args.Flag("cuda-graphs"),
            ExecutionProvider = provider switch
            {
                "cpu" => ExecutionProviderKind.Cpu,
                "cuda" => ExecutionProviderKind.Cuda,
                _ => throw new UsageException($"--provider must be cpu or cuda, not '{provider}'."),
            },
            Cuda = new CudaOptions
            {
                ConvAlgoSearch = search is null ? ConvAlgoSearch.Exhaustive
                    : Enum.TryParse(search, ignoreCase: true, out ConvAlgoSearch parsed) && Enum.IsDefined(parsed) && !int.TryParse(search, out _) ? parsed
                    : throw new UsageException($"--conv-search must be exhaustive, heuristic or default, not '{search}'."),
                PreferNhwc = args.Flag("prefer-nhwc"),
                UseTf32 = !args.Flag("no-tf32"),
            },
        };
    }
}
