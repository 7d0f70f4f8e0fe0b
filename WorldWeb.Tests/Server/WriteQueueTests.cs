using WorldWeb.Server.Database;

namespace WorldWeb.Tests.Server;

[Trait(Category.Name, Category.Unit)]
public sealed class WriteQueueTests
{
    [Fact]
    public async Task AFailedBatch_IsWrittenNextTime_AheadOfWhatCameAfter_AndCountsAsPendingMeanwhile()
    {
        var queue = new WriteQueue<int>(maxPending: 3, keyOf: item => item.ToString());
        var written = new List<int>();
        queue.Enqueue(1);
        queue.Enqueue(2);

        await Assert.ThrowsAsync<TimeoutException>(() => queue.FlushAsync((_, _) => throw new TimeoutException("the database is away"), CancellationToken.None));
        queue.Enqueue(3);
        bool backlogged = queue.IsBacklogged;
        await queue.FlushAsync((batch, _) => { written.AddRange(batch); return Task.CompletedTask; }, CancellationToken.None);

        Assert.True(backlogged);
        Assert.Equal([1, 2, 3], written);
        Assert.Equal(0, queue.Pending);
        Assert.False(queue.IsBacklogged);
    }
}
