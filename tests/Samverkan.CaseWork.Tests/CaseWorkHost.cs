using Samverkan.Testing;

namespace Samverkan.CaseWork.Tests;

/// <summary>The real host in memory (<see cref="ApiTestHost"/>), with extra settings per test (e.g. <c>Samverkan:CaseWork:*</c>).</summary>
internal sealed class CaseWorkHost : ApiTestHost
{
    private CaseWorkHost(TestDatabase database, ManualTimeProvider time, IReadOnlyDictionary<string, string>? settings)
        : base(database, time, settings: settings)
    {
    }

    /// <summary>Starts the host at <paramref name="now"/>, with extra configuration <paramref name="settings"/> (e.g. <c>Samverkan:CaseWork:*</c>).</summary>
    public static async Task<CaseWorkHost> StartAsync(PostgresServerFixture postgres, DateTimeOffset now, IReadOnlyDictionary<string, string>? settings = null)
    {
        var database = await postgres.CreateDatabaseAsync();
        var host = new CaseWorkHost(database, new ManualTimeProvider(now), settings);
        _ = host.Server; // Start now: migrations, actor node.
        return host;
    }
}
