using Microsoft.Extensions.DependencyInjection;
using Samverkan.Actors;
using Samverkan.Coordination;
using Samverkan.Coordination.Alerts;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Common;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;
using Samverkan.Testing;

namespace Samverkan.Alerts.Tests;

/// <summary>
/// The real host in memory (<see cref="ApiTestHost"/>) with quick keep-alives and quick webhook retries.
/// </summary>
internal sealed class AlertsHost : ApiTestHost
{
    private static readonly Dictionary<string, string> AlertSettings = new()
    {
        ["Samverkan:Alerts:KeepAliveInterval"] = "00:00:00.500",
        ["Samverkan:Webhooks:PollInterval"] = "00:00:00.100",
        ["Samverkan:Webhooks:InitialBackoff"] = "00:00:10",
        ["Samverkan:Webhooks:MaxBackoff"] = "00:01:00",
        ["Samverkan:Webhooks:MaxAttempts"] = "4",
    };

    private AlertsHost(
        TestDatabase database, ManualTimeProvider time, TestTokens? tokens = null, string environment = "Testing", IReadOnlyDictionary<string, string>? overrides = null)
        : base(database, time, tokens, environment, overrides is null ? AlertSettings : new Dictionary<string, string>(AlertSettings.Concat(overrides).GroupBy(p => p.Key).Select(g => g.Last())))
    {
    }

    public static async Task<AlertsHost> StartAsync(
        PostgresServerFixture postgres, DateTimeOffset now, string environment = "Testing", IReadOnlyDictionary<string, string>? overrides = null)
    {
        var database = await postgres.CreateDatabaseAsync();
        var host = new AlertsHost(database, new ManualTimeProvider(now), environment: environment, overrides: overrides);
        _ = host.Server; // Start now: migrations, actor node.
        return host;
    }

    /// <summary>The child of the alerts the tests deliver straight to an inbox.</summary>
    public const string Pupil = "c_abcdefghijklmnopqrst";

    /// <summary>An alert to <paramref name="staff"/> as a case's decision would raise it.</summary>
    public static AlertRequest Alert(string staff, string? caseId, DateTimeOffset at, Severity severity = Severity.Normal, string child = Pupil) => new()
    {
        Kind = AlertKind.CaseOpened,
        Recipient = AlertRecipient.ToStaff(new StaffId(staff)),
        Severity = severity,
        Child = new PseudonymousKey(child),
        Case = caseId is null ? null : new CaseId(caseId),
        RaisedAt = at,
    };

    /// <summary>Sends an alert (raised now) straight to the inbox of <paramref name="staff"/>, under <paramref name="key"/>.</summary>
    public Task DeliverAsync(string staff, string key, string? caseId = null, Severity severity = Severity.Normal) =>
        Services.GetRequiredService<IActorClient>().SendAsync(
            CoordinationActors.InboxOf(new StaffId(staff)),
            new DeliverAlert(Alert(staff, caseId, Time.GetUtcNow(), severity), key),
            cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>Another node of the same deployment: same database, clock and identity provider.</summary>
    public static AlertsHost StartNode(AlertsHost first)
    {
        ArgumentNullException.ThrowIfNull(first);
        var host = new AlertsHost(first.TestDatabase, first.Time, first.Tokens);
        _ = host.Server;
        return host;
    }
}
