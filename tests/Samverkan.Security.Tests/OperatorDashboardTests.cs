using System.Net;
using System.Text.Json;
using Samverkan.Host.Silo;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>The Orleans dashboard: operators only, and nothing of what a grain holds.</summary>
public sealed class OperatorDashboardTests(PostgresServerFixture postgres)
{
    private static readonly TestPerson Operator = new("olof.drift", "org-kommun-1001", "1001", "School", ["Operator"], "01");

    [Fact]
    public async Task TheDashboard_ShowsOperatorsTheCluster_RefusesEveryoneElse_AndNeverShowsGrainStateRemindersOrLogs()
    {
        using var idp = new TestIdentityProvider();
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var factory = new SecurityHostFactory(database.ConnectionString, idp);
        using var anonymous = factory.CreatePlainClient();
        using var counsellor = factory.CreateClientWithToken(idp.Token(TestPerson.Counsellor()));
        using var administrator = factory.CreateClientWithToken(idp.Token(TestPerson.Counsellor("admin-1") with { Roles = ["Administrator"] }));
        using var feed = factory.CreateClientWithToken(idp.Token(TestPerson.Feed()));
        using var operatorClient = factory.CreateClientWithToken(idp.Token(Operator));

        (await anonymous.GetAsync(SiloDashboard.Path + "/", Http.Token)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        foreach (var other in new[] { counsellor, administrator, feed })
        {
            (await other.GetAsync(SiloDashboard.Path + "/", Http.Token)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await other.GetAsync(SiloDashboard.Path + "/ClusterStats", Http.Token)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        var page = await operatorClient.GetAsync(SiloDashboard.Path + "/", Http.Token);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType?.MediaType.ShouldBe("text/html");

        // This node's silo, active in the cluster, as the membership table has it (the dashboard samples every second).
        var deadline = DateTimeOffset.UtcNow.AddSeconds(90);
        string? status = null;
        while (status is null && DateTimeOffset.UtcNow < deadline)
        {
            var counters = await operatorClient.GetAsync(SiloDashboard.Path + "/DashboardCounters", Http.Token);
            counters.StatusCode.ShouldBe(HttpStatusCode.OK);
            var hosts = JsonDocument.Parse(await counters.Content.ReadAsStringAsync(Http.Token)).RootElement.GetProperty("hosts");
            if (hosts.GetArrayLength() > 0)
            {
                hosts.GetArrayLength().ShouldBe(1);
                status = hosts[0].GetProperty("siloStatus").ToString();
            }
            else
            {
                await Task.Delay(200, Http.Token);
            }
        }

        status.ShouldBeOneOf("Active", "3");

        foreach (var closed in new[] { "/GrainState?grainId=c_anychild&grainType=Any", "/Reminders", "/Reminders/1", "/Trace" })
        {
            var response = await operatorClient.GetAsync(SiloDashboard.Path + closed, Http.Token);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, closed);
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", closed);
        }
    }
}
