using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Npgsql;
using Samverkan.Host.Errors;
using Samverkan.Testing;

namespace Samverkan.Host.Tests;

/// <summary>Which failures are "the database is down" (503, retry) and which stay errors (500).</summary>
public sealed class DatabaseUnavailableTests(PostgresServerFixture postgres)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string> UnavailableStates => ["08000", "08001", "08006", "08P01", "57P01", "57P02", "57P03", "53300"];

    public static TheoryData<string> OtherStates => ["22P02", "23505", "42P01", "40001", "57014", "53100"];

    [Theory]
    [MemberData(nameof(UnavailableStates))]
    public void ServerShuttingDownOrRefusingConnections_IsUnavailable(string sqlState) =>
        DatabaseUnavailableExceptionHandler.IsDatabaseUnavailable(Postgres(sqlState)).ShouldBeTrue();

    [Theory]
    [MemberData(nameof(OtherStates))]
    public void TheServersAnswerToAStatement_IsNotAnOutage(string sqlState) =>
        DatabaseUnavailableExceptionHandler.IsDatabaseUnavailable(Postgres(sqlState)).ShouldBeFalse();

    [Fact]
    public void ConnectionFailuresAndPoolTimeouts_AreUnavailable_HoweverWrapped()
    {
        var refused = new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused));
        var poolTimeout = new NpgsqlException("The connection pool has been exhausted", new TimeoutException());
        var broken = new NpgsqlException("Exception while reading from stream", new EndOfStreamException());

        foreach (var exception in new Exception[]
                 {
                     refused, poolTimeout, broken,
                     new OrleansException("Error from storage provider during ReadStateAsync", refused),
                     new InvalidOperationException("outer", new OrleansException("storage", poolTimeout)),
                     new AggregateException(new InvalidOperationException("first"), broken),
                     new OrleansException("storage", new AggregateException(Postgres("57P01"))),
                 })
        {
            DatabaseUnavailableExceptionHandler.IsDatabaseUnavailable(exception).ShouldBeTrue(exception.ToString());
        }
    }

    [Fact]
    public void OtherFailures_AreNotAnOutage()
    {
        foreach (var exception in new Exception[]
                 {
                     new InvalidOperationException("a bug"),
                     new JsonException("bad state"),
                     new TimeoutException("an HTTP call elsewhere"),
                     new SocketException((int)SocketError.ConnectionRefused),
                     new NpgsqlException("A command is already in progress"),
                     new OrleansException("storage", Postgres("23505")),
                     new AggregateException(new InvalidOperationException("a"), new ArgumentException("b")),
                 })
        {
            DatabaseUnavailableExceptionHandler.IsDatabaseUnavailable(exception).ShouldBeFalse(exception.ToString());
        }
    }

    [Fact]
    public async Task AnUnreachableDatabaseInServerCode_Is503WithRetryAfter_AndNoExceptionText()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = new SamverkanHostFactory(database.ConnectionString);
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/test/throw-unreachable", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldBe(TimeSpan.FromSeconds(2));
        var problem = await ProblemJson.ReadAsync(response);
        problem.GetProperty("status").GetInt32().ShouldBe(503);
        problem.GetProperty("traceId").GetString().ShouldNotBeNullOrEmpty();
        problem.ToString().ShouldNotContain("10.1.2.3");
    }

    private static PostgresException Postgres(string sqlState) => new("message", "FATAL", "FATAL", sqlState);
}
