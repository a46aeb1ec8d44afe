using Samverkan.Testing;

namespace Samverkan.Alerts.Tests;

/// <summary>
/// The real host in memory (<see cref="ApiTestHost"/>) with quick keep-alives, a short lease (for the failover tests)
/// and quick webhook retries.
/// </summary>
internal sealed class AlertsHost : ApiTestHost
{
    private static readonly Dictionary<string, string> AlertSettings = new()
    {
        ["Samverkan:Alerts:KeepAliveInterval"] = "00:00:00.500",
        ["Samverkan:Actors:LeaseTtl"] = "00:00:03",
        ["Samverkan:Webhooks:PollInterval"] = "00:00:00.100",
        ["Samverkan:Webhooks:InitialBackoff"] = "00:00:10",
        ["Samverkan:Webhooks:MaxBackoff"] = "00:01:00",
        ["Samverkan:Webhooks:MaxAttempts"] = "4",
    };

    private AlertsHost(TestDatabase database, ManualTimeProvider time, TestTokens? tokens = null, string environment = "Testing")
        : base(database, time, tokens, environment, AlertSettings)
    {
    }

    public static async Task<AlertsHost> StartAsync(PostgresServerFixture postgres, DateTimeOffset now, string environment = "Testing")
    {
        var database = await postgres.CreateDatabaseAsync();
        var host = new AlertsHost(database, new ManualTimeProvider(now), environment: environment);
        _ = host.Server; // Start now: migrations, actor node.
        return host;
    }

    /// <summary>Another node of the same deployment: same database, clock and identity provider.</summary>
    public static AlertsHost StartNode(AlertsHost first)
    {
        ArgumentNullException.ThrowIfNull(first);
        var host = new AlertsHost(first.TestDatabase, first.Time, first.Tokens);
        _ = host.Server;
        return host;
    }
}
