using System.Net;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>Rate limits per user and per client address: 429 with Retry-After as problem details; request size 413.</summary>
public sealed class RateLimitTests(PostgresServerFixture postgres)
{
    private const string WhoAmIPath = "/api/v1/securitytest/whoami";

    [Fact]
    public async Task User_OverTheLimit_Gets429WithRetryAfterWhileOthersGoOn()
    {
        using var idp = new TestIdentityProvider();
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var factory = new SecurityHostFactory(database.ConnectionString, idp, settings: new Dictionary<string, string?>
        {
            ["Samverkan:RateLimits:PermitsPerUser"] = "3",
            ["Samverkan:RateLimits:Window"] = "00:10:00",
        });
        using var first = factory.CreateClientWithToken(idp.Token(TestPerson.Counsellor("user-a")));
        using var second = factory.CreateClientWithToken(idp.Token(TestPerson.Counsellor("user-b")));

        for (var i = 0; i < 3; i++)
        {
            (await first.GetAsync(WhoAmIPath, Http.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var limited = await first.GetAsync(WhoAmIPath, Http.Token);

        limited.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        var retryAfter = limited.Headers.RetryAfter!.Delta!.Value;
        retryAfter.ShouldBeGreaterThan(TimeSpan.Zero);
        retryAfter.ShouldBeLessThanOrEqualTo(TimeSpan.FromMinutes(10));
        (await Http.ProblemAsync(limited)).GetProperty("retryAfterSeconds").GetInt32().ShouldBe((int)retryAfter.TotalSeconds);
        (await second.GetAsync(WhoAmIPath, Http.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await first.GetAsync("/health/live", Http.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Feed_HasItsOwnHigherLimit()
    {
        using var idp = new TestIdentityProvider();
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var factory = new SecurityHostFactory(database.ConnectionString, idp, settings: new Dictionary<string, string?>
        {
            ["Samverkan:RateLimits:PermitsPerUser"] = "2",
            ["Samverkan:RateLimits:PermitsPerFeed"] = "5",
            ["Samverkan:RateLimits:Window"] = "00:10:00",
        });
        using var feed = factory.CreateClientWithToken(idp.Token(TestPerson.Feed(), acr: null));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await feed.GetAsync(WhoAmIPath, Http.Token)).StatusCode);
        }

        statuses.Take(5).ShouldAllBe(s => s == HttpStatusCode.OK);
        statuses[5].ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task ClientAddress_OverTheLimit_Gets429EvenWithoutToken()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var factory = new SecurityHostFactory(database.ConnectionString, identityProvider: null, settings: new Dictionary<string, string?>
        {
            ["Samverkan:RateLimits:PermitsPerAddress"] = "2",
            ["Samverkan:RateLimits:Window"] = "00:10:00",
        });
        using var client = factory.CreatePlainClient();

        (await client.GetAsync(WhoAmIPath, Http.Token)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await client.GetAsync(WhoAmIPath, Http.Token)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var limited = await client.GetAsync(WhoAmIPath, Http.Token);

        limited.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        limited.Headers.RetryAfter.ShouldNotBeNull();
        (await client.GetAsync("/health/live", Http.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task OversizedBody_Gets413()
    {
        using var idp = new TestIdentityProvider();
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var factory = new SecurityHostFactory(database.ConnectionString, idp, settings: new Dictionary<string, string?>
        {
            ["Samverkan:Http:MaxRequestBodyBytes"] = "1024",
        });
        using var client = factory.CreateClientWithToken(idp.Token(TestPerson.Counsellor()));
        var body = "{\"text\":\"" + new string('x', 4096) + "\"}";

        var response = await client.PostAsync("/api/v1/securitytest/echo", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Http.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        await Http.ProblemAsync(response);
    }
}
