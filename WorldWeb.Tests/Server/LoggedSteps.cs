using Microsoft.EntityFrameworkCore;
using WorldWeb.Persistence;

namespace WorldWeb.Tests.Server;

/// <summary>What the action log holds, read straight from the database.</summary>
public static class LoggedSteps
{
    /// <summary>Every step from 1 to <paramref name="lastStep"/> is logged exactly once, in chunks without gaps or overlaps.</summary>
    public static async Task AssertEachOnceAsync(string connectionString, string worldId, long lastStep)
    {
        var options = new DbContextOptionsBuilder<WorldWebDbContext>().UseNpgsql(connectionString).UseSnakeCaseNamingConvention().Options;
        await using var db = new WorldWebDbContext(options);
        var chunks = await db.ActionLog.Where(c => c.WorldId == worldId).OrderBy(c => c.FirstStep)
            .Select(c => new { c.FirstStep, Length = c.Actions.Length }).ToListAsync();
        long next = 1;
        foreach (var chunk in chunks)
        {
            Assert.Equal(next, chunk.FirstStep);
            next += chunk.Length;
        }
        Assert.Equal(lastStep, next - 1);
    }

    /// <summary>The logged action of every step from 1 on, as one byte each (<c>[s - 1]</c> is step s's), without gaps.</summary>
    public static async Task<byte[]> ActionsAsync(string connectionString, string worldId)
    {
        var options = new DbContextOptionsBuilder<WorldWebDbContext>().UseNpgsql(connectionString).UseSnakeCaseNamingConvention().Options;
        await using var db = new WorldWebDbContext(options);
        var chunks = await db.ActionLog.Where(c => c.WorldId == worldId).OrderBy(c => c.FirstStep).ToListAsync();
        var actions = new List<byte>();
        foreach (var chunk in chunks)
        {
            Assert.Equal(actions.Count + 1, chunk.FirstStep);
            actions.AddRange(chunk.Actions);
        }
        return [.. actions];
    }

    /// <summary>
    /// Waits for the action log to catch up with a world that has stopped stepping (the log is flushed every 200 ms):
    /// until the log holds exactly the step <paramref name="step"/> reads, which it returns. Instead of a fixed wait.
    /// </summary>
    public static async Task<long> SettledAsync(string connectionString, string worldId, Func<Task<long>> step)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            long last = await step();
            if ((await ActionsAsync(connectionString, worldId)).Length == last)
            {
                return last;
            }
            await Task.Delay(100, patience.Token);
        }
    }
}
