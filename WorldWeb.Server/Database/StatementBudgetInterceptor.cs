using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace WorldWeb.Server.Database;

/// <summary>
/// Sets <c>statement_timeout</c> on a connection opened within a <see cref="DatabaseBudget"/>. Server-side, so a
/// statement waiting on a lock is cancelled by PostgreSQL itself (SQLSTATE 57014, which EF's strategy does not retry)
/// and the connection stays usable. Npgsql resets it (DISCARD ALL) when the connection goes back to the pool.
/// </summary>
internal sealed class StatementBudgetInterceptor : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (Command(connection) is { } command)
        {
            using (command)
            {
                command.ExecuteNonQuery();
            }
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (Command(connection) is { } command)
        {
            await using (command)
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }

    private static DbCommand? Command(DbConnection connection)
    {
        if (DatabaseBudget.Statement is not { } budget)
        {
            return null;
        }
        DbCommand command = connection.CreateCommand();
        command.CommandText = $"SET statement_timeout = {((long)budget.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}";
        return command;
    }
}
