using WorldWeb.Inference.Runtime;
using WorldWeb.Tools.Cli;

namespace WorldWeb.Tests.Tools;

[Trait(Category.Name, Category.Unit)]
public class CommandArgsTests
{
    [Fact]
    public void Lists_accept_ranges_and_single_values()
    {
        var args = CommandArgs.Parse(["eval", "--seeds", "1-3,7"]);
        Assert.Equal([1, 2, 3, 7], args.IntList("seeds", []));
    }

    [Fact]
    public void Positional_words_follow_the_command()
    {
        var args = CommandArgs.Parse(["bench", "inference", "--batch", "1,8"]);
        Assert.Equal("bench", args.Command);
        Assert.Equal(["inference"], args.Positional);
    }

    [Fact]
    public void Unknown_options_are_rejected_by_name()
    {
        var args = CommandArgs.Parse(["eval", "--modle", "x"]);
        args.Text("model");
        var error = Assert.Throws<UsageException>(args.EnsureAllRead);
        Assert.Contains("--modle", error.Message);
    }

    [Fact]
    public void Inference_settings_name_the_provider_and_its_cuda_settings()
    {
        var args = CommandArgs.Parse(["bench", "inference", "--provider", "cuda", "--conv-search", "Heuristic", "--prefer-nhwc", "--no-tf32", "--batch-padding", "none"]);

        InferenceOptions options = InferenceArgs.Read(args, intraOpThreads: 3);

        args.EnsureAllRead();
        Assert.Equal((ExecutionProviderKind.Cuda, 3, BatchPadding.None), (options.ExecutionProvider, options.IntraOpThreads, options.BatchPadding));
        Assert.Equal((ConvAlgoSearch.Heuristic, true, false), (options.Cuda.ConvAlgoSearch, options.Cuda.PreferNhwc, options.Cuda.UseTf32));
        InferenceOptions defaults = InferenceArgs.Read(CommandArgs.Parse(["eval"]));
        Assert.Equal((ExecutionProviderKind.Cpu, ConvAlgoSearch.Exhaustive, false, true, BatchPadding.Auto, Precision.Auto),
            (defaults.ExecutionProvider, defaults.Cuda.ConvAlgoSearch, defaults.Cuda.PreferNhwc, defaults.Cuda.UseTf32, defaults.BatchPadding, defaults.Precision));
        Assert.Equal(Precision.Int8, InferenceArgs.Read(CommandArgs.Parse(["eval", "--precision", "int8"])).Precision);
        Assert.Equal((GraphOptimization.All, GraphOptimization.Extended),
            (defaults.GraphOptimization, InferenceArgs.Read(CommandArgs.Parse(["eval", "--graph-optimization", "extended"])).GraphOptimization));
    }

    [Theory]
    [InlineData("--provider", "gpu")]
    [InlineData("--conv-search", "fastest")]
    [InlineData("--conv-search", "1")]
    [InlineData("--batch-padding", "pow2")]
    [InlineData("--precision", "fp8")]
    [InlineData("--graph-optimization", "layout")]
    public void Unknown_inference_settings_say_what_is_allowed(string key, string value)
    {
        var error = Assert.Throws<UsageException>(() => InferenceArgs.Read(CommandArgs.Parse(["eval", key, value])));
        Assert.Contains(key, error.Message);
    }

    [Theory]
    [InlineData("--seeds", "a-b")]
    [InlineData("--seeds", "5-1")]
    public void Malformed_lists_say_what_is_wrong(string key, string value)
    {
        var args = CommandArgs.Parse(["eval", key, value]);
        Assert.Throws<UsageException>(() => args.IntList("seeds", []));
    }

    [Fact]
    public void A_missing_value_is_an_error()
    {
        var args = CommandArgs.Parse(["eval", "--json"]);
        Assert.Throws<UsageException>(() => args.Text("json"));
    }
}
