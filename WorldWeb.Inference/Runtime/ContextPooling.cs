namespace WorldWeb.Inference.Runtime;

/// <summary>Whether steps run the package's context pool graph, which keeps every world's context where the graph runs.</summary>
/// <remarks>
/// On a GPU a world's context (K frames) would otherwise cross the bus every step although only its newest frame is
/// new. The pool costs the host a comparison per row (it checks that the pool holds what the world holds) and two
/// copies of the pool per step where the graph runs: nothing to gain on a CPU.
/// </remarks>
public enum ContextPooling
{
    /// <summary>On CUDA when the package has a context pool graph, off otherwise.</summary>
    Auto,

    Off,

    /// <summary>Wherever the package has a context pool graph (on CPU too, as the tests run it).</summary>
    On,
}
