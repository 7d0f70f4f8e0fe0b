namespace WorldWeb.Server.Database;

/// <summary>
/// The statement budget of the code running now (flows with async calls): every connection opened within
/// <see cref="Limit"/> runs with PostgreSQL's <c>statement_timeout</c> set to it (<see cref="StatementBudgetInterceptor"/>).
/// Nested limits keep the shorter. Outside any limit a statement may run as long as Npgsql's command timeout allows.
/// </summary>
public static class DatabaseBudget
{
    private static readonly AsyncLocal<TimeSpan?> Budget = new();

    public static TimeSpan? Statement => Budget.Value;

    /// <summary>Until disposed (in the same async method), statements may take <paramref name="statement"/> at most.</summary>
    public static Scope Limit(TimeSpan statement)
    {
        TimeSpan? outer = Budget.Value;
        if (outer is null || statement < outer)
        {
            Budget.Value = statement;
        }
        return new Scope(outer);
    }

    public readonly struct Scope(TimeSpan? outer) : IDisposable
    {
        public void Dispose() => Budget.Value = outer;
    }
}
