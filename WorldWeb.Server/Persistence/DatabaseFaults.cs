using System.Data.Common;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace WorldWeb.Server.Persistence;

/// <summary>
/// The one definition of "the database is away for now": what every background writer and sweeper catches, keeps its
/// work for, and retries later. Anything else is a bug and is reported as one.
/// </summary>
public static class DatabaseFaults
{
    public static bool IsTransient(Exception exception) => exception switch
    {
        // EF Core's execution strategy gives up with this after its own retries; its inner exception is the cause.
        RetryLimitExceededException => true,
        NpgsqlException or DbException or DbUpdateException or TimeoutException or SocketException => true,
        // Npgsql reports a connection broken mid-command as an InvalidOperationException around the cause.
        InvalidOperationException { InnerException: { } inner } => IsTransient(inner),
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsTransient),
        _ => false,
    };
}
