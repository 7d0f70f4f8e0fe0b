using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using WorldWeb.Persistence;
using WorldWeb.Server.ActionLog;
using WorldWeb.Server.Database;

namespace WorldWeb.Server.Operations;

/// <summary>
/// Degraded, not unhealthy, while the database is away or hung: worlds keep playing and their actions wait in memory
/// (how many is in the result), until too many wait and worlds pause. Unhealthy only before the migrations are
/// applied. A database that accepts connections but whose tables are locked (a migration holding ACCESS EXCLUSIVE)
/// is as good as away for a player, so the check asks for the lock a write takes on every table, and answers within
/// <see cref="Budget"/> whatever the database does.
/// </summary>
internal sealed class DatabaseHealthCheck(IDbContextFactory<WorldWebDbContext> contexts, MigrationStatus status, WorldActionLog log) : IHealthCheck
{
    /// <summary>How long the check waits for the database in all; load balancers commonly give a check 2 s.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(1500);

    /// <summary>How long it waits for a table's lock (within <see cref="Budget"/>, leaving room to connect).</summary>
    private const int LockWaitMilliseconds = 1000;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["pending_actions"] = log.Pending };
        if (status.Applied is null)
        {
            return HealthCheckResult.Unhealthy("migrations not applied yet", data: data);
        }
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(Budget);
        string? fault;
        try
        {
            // WaitAsync as well: a server that stopped answering may not even notice the cancellation.
            fault = await ProbeAsync(budget.Token).WaitAsync(Budget, cancellationToken);
        }
        catch (Exception ex) when (DatabaseFaults.IsTransient(ex) || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            fault = ex is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled }
                ? $"database hung: a table is locked (a migration?) and a write would wait more than {LockWaitMilliseconds} ms; joins and opens fail fast until it is released"
                : ex is TimeoutException or OperationCanceledException
                    ? $"database not answering within {Budget.TotalMilliseconds} ms"
                    : "database unreachable";
        }
        if (fault is not null)
        {
            return HealthCheckResult.Degraded(log.IsBacklogged
                ? $"{fault}; worlds are paused until it takes their waiting actions"
                : $"{fault}; worlds play on and their actions wait in memory", data: data);
        }
        return HealthCheckResult.Healthy($"database reachable, migrated to {status.Applied}", data: data);
    }

    /// <summary>Null when every table could be written now; the fault otherwise.</summary>
    private async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        await using WorldWebDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        string tables = string.Join(", ", db.Model.GetEntityTypes()
            .Select(t => t.GetTableName() is { } name ? $"\"{t.GetSchema() ?? "public"}\".\"{name}\"" : null)
            .OfType<string>().Distinct());
        // ADO.NET under EF: the retrying strategy would try a lock timeout four times, and refuses a transaction begun by hand.
        DbConnection connection = db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        await using DbTransaction transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using DbCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        // ROW EXCLUSIVE conflicts with every lock a reader or a writer of the app would wait on; rolled back at once.
        command.CommandText = $"SET LOCAL lock_timeout = {LockWaitMilliseconds}; SET LOCAL statement_timeout = {LockWaitMilliseconds + 200}; " +
            $"LOCK TABLE {tables} IN ROW EXCLUSIVE MODE";
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.RollbackAsync(cancellationToken);
        return null;
    }
}
