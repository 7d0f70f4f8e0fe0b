using WorldWeb.Tools.Eval;

namespace WorldWeb.Tests.Tools;

/// <summary>What eval reads from training/c2st.py: hits per group, pooled as balanced accuracy.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class TwoSampleResultTests
{
    private const string Json = """
        {"accuracy": 0.7, "groups": {"0": {"a": [90, 100], "b": [70, 100], "accuracy": 0.8},
                                     "1": {"a": [10, 100], "b": [290, 300], "accuracy": 0.53}}, "seconds": 12.5}
        """;

    [Fact]
    public void Accuracy_of_one_group_is_the_mean_of_the_two_hit_rates()
    {
        Assert.Equal(0.8, TwoSampleResult.Parse(Json).Accuracy([0]));
    }

    [Fact]
    public void Groups_pool_hits_before_balancing()
    {
        // a: 100 of 200; b: 360 of 400 → (0.5 + 0.9) / 2.
        Assert.Equal(0.7, TwoSampleResult.Parse(Json).Accuracy());
    }

    [Fact]
    public void A_group_with_no_frames_and_a_failed_run_have_no_accuracy()
    {
        Assert.Null(TwoSampleResult.Parse(Json).Accuracy([7]));
        Assert.Null(TwoSampleResult.Failed("no torch").Accuracy());
    }
}
