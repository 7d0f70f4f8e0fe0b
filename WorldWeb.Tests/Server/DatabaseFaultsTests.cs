using Microsoft.EntityFrameworkCore;
using Npgsql;
using WorldWeb.Server.Database;

namespace WorldWeb.Tests.Server;

/// <summary>Which database errors the writers wait out and retry, and which they must not retry forever.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class DatabaseFaultsTests
{
    [Theory]
    [InlineData(PostgresErrorCodes.QueryCanceled)]         // a statement past its budget: the database is hung, not wrong
    [InlineData(PostgresErrorCodes.LockNotAvailable)]
    [InlineData(PostgresErrorCodes.AdminShutdown)]
    [InlineData(PostgresErrorCodes.SerializationFailure)]
    public void AnErrorOfTheDatabasesState_IsTransient(string sqlState) =>
        Assert.True(DatabaseFaults.IsTransient(Postgres(sqlState)));

    [Theory]
    [InlineData(PostgresErrorCodes.CheckViolation)]
    [InlineData(PostgresErrorCodes.UniqueViolation)]
    [InlineData(PostgresErrorCodes.CharacterNotInRepertoire)]
    [InlineData(PostgresErrorCodes.UndefinedColumn)]
    public void AnErrorInTheRequest_IsPermanent_AlsoInsideEfCoresUpdateException(string sqlState)
    {
        Assert.False(DatabaseFaults.IsTransient(Postgres(sqlState)));
        Assert.False(DatabaseFaults.IsTransient(new DbUpdateException("saving", Postgres(sqlState))));
    }

    [Fact]
    public void ABrokenConnection_IsTransient() =>
        Assert.True(DatabaseFaults.IsTransient(new NpgsqlException("connection lost", new System.IO.EndOfStreamException())));

    private static PostgresException Postgres(string sqlState) => new("test", "ERROR", "ERROR", sqlState);
}
