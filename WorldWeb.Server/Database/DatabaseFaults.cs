using System.Data.Common;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace WorldWeb.Server.Database;

/// <summary>
/// The one definition of "the database is away for now": what every background writer and sweeper catches, keeps its
/// work for, and retries later. Anything else is a bug and is reported as one — including an error PostgreSQL gives
/// about the request itself (bad data, a broken constraint, a missing column), which asked again it gives again.
/// </summary>
public static class DatabaseFaults
{
    /// <summary>What a player is told when the database does not answer within an interactive budget (<see cref="DatabaseOptions"/>).</summary>
    public const string NotAnswering = "The database is not answering; try again in a minute.";

    public static bool IsTransient(Exception exception) => exception switch
    {
        // EF Core's execution strategy gives up with this after its own retries; its inner exception is the cause.
        RetryLimitExceededException => true,
        // Before NpgsqlException, which it is: PostgreSQL answered, and the answer may be "never".
        PostgresException postgres => !IsPermanent(postgres),
        DbUpdateException { InnerException: { } inner } => IsTransient(inner),
        NpgsqlException or DbException or DbUpdateException or TimeoutException or SocketException => true,
        // Npgsql reports a connection broken mid-command as an InvalidOperationException around the cause.
        InvalidOperationException { InnerException: { } inner } => IsTransient(inner),
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsTransient),
        _ => false,
    };

    /// <summary>
    /// SQLSTATE classes of an error in what was asked, not in the database's state: 0A feature not supported, 21
    /// cardinality, 22 data exception, 23 integrity constraint, 42 syntax or access rule, 44 check option. Others (08
    /// connection, 40 rollback, 53 resources, 55 lock not available, 57 statement timeout or shutdown) pass.
    /// </summary>
    public static bool IsPermanent(PostgresException exception) => exception.SqlState.Length >= 2
        && exception.SqlState[..2] is "0A" or "21" or "22" or "23" or "42" or "44";
}
