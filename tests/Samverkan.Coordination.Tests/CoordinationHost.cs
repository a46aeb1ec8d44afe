using Samverkan.Testing;

namespace Samverkan.Coordination.Tests;

/// <summary>The real host in memory (<see cref="ApiTestHost"/>) with the test settings only.</summary>
internal sealed class CoordinationHost : ApiTestHost
{
    private CoordinationHost(TestDatabase database, ManualTimeProvider time)
        : base(database, time)
    {
    }

    public static async Task<CoordinationHost> StartAsync(PostgresServerFixture postgres, DateTimeOffset now)
    {
        var database = await postgres.CreateDatabaseAsync();
        var host = new CoordinationHost(database, new ManualTimeProvider(now));
        _ = host.Server; // Start now: migrations, actor node.
        return host;
    }
}
