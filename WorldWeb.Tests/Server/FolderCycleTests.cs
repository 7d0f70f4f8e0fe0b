extern alias server;

using Xunit.Abstractions;

namespace WorldWeb.Tests.Server;

/// <summary>
/// The server's folders form layers: no two folders reach each other through the types they use. A cycle means a
/// change in one folder can need a change in any other of its group, and a reader cannot learn one without all.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class FolderCycleTests(ITestOutputHelper output)
{
    [Fact]
    public void ServerFolders_UseEachOtherWithoutCycles()
    {
        var layers = FolderLayers.Read(typeof(server::Program).Assembly.Location, "WorldWeb.Server",
            Path.Combine(TestEnvironment.RepositoryRoot, "WorldWeb.Server"));
        foreach (var (from, uses) in layers.Uses.OrderBy(u => u.Key))
        {
            output.WriteLine($"{from} → {string.Join(", ", uses.Keys.Order())}");
        }

        var cycles = layers.Cycles();
        Assert.True(cycles.Count == 0, string.Join("\n", cycles.Select(group =>
            $"these folders reach each other: {string.Join(", ", group)}; their uses within the group:\n" + string.Join("\n",
                group.SelectMany(from => layers.Uses[from].Where(u => group.Contains(u.Key)).Select(u => $"  {from} → {u.Key}: {Some(u.Value)}"))))));
    }

    private static string Some(IReadOnlyCollection<string> uses) =>
        string.Join(", ", uses.Take(6)) + (uses.Count > 6 ? $" and {uses.Count - 6} more" : "");
}
