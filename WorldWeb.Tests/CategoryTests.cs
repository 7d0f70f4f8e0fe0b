using System.Reflection;

namespace WorldWeb.Tests;

[Trait(Category.Name, Category.Unit)]
public sealed class CategoryTests
{
    [Fact]
    public void EveryTestClass_HasACategory_SoFilteringByCategoryMissesNoTest()
    {
        string[] uncategorised = [.. typeof(CategoryTests).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.IsDefined(typeof(FactAttribute))))
            .Where(t => !t.GetCustomAttributes<TraitAttribute>().Any())
            .Select(t => t.FullName!)];

        Assert.Empty(uncategorised);
    }
}
