using WorldWeb.Inference.Packages;
using WorldWeb.Inference.Runtime;
using WorldWeb.Server.Admin;
using WorldWeb.Server.ModelPackages;
using WorldWeb.Tests.Inference;

namespace WorldWeb.Tests.Server;

/// <summary>What the admin dashboard's System panel says runs the models.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class SystemStatusTests
{
    [Fact]
    public void Inference_NamesTheProviderThatRunsEachModel_AndSaysWhenTheConfiguredOneCouldNotLoad()
    {
        // The tests run the CPU build, which has no CUDA provider, so a model asked to run on CUDA runs on CPU.
        using ModelPackage fellBack = Fixtures.Load("tiny", new InferenceOptions { ExecutionProvider = ExecutionProviderKind.Cuda });
        using ModelPackage pooled = Fixtures.Load("tiny_pool", new InferenceOptions { ContextPooling = ContextPooling.On, Precision = Precision.Half });

        Assert.Equal("tiny: Cpu (Inference:ExecutionProvider is Cuda: it could not load; the server log says why)",
            AdminApi.Inference([new LoadedModel(fellBack)], ExecutionProviderKind.Cuda));
        Assert.Equal("tiny_pool: Cpu, half precision, contexts kept in the pool graph",
            AdminApi.Inference([new LoadedModel(pooled)], ExecutionProviderKind.Cpu));
    }
}
