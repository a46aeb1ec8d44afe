using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>The fallback policy (authenticated by default) and the named policies.</summary>
public sealed class AuthorizationTests(PostgresServerFixture postgres) : IAsyncLifetime
{
    private readonly TestIdentityProvider _idp = new();
    private TestDatabase? _database;
    private SecurityHostFactory? _factory;

    private SecurityHostFactory Factory => _factory!;

    public async ValueTask InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        _factory = new SecurityHostFactory(_database.ConnectionString, _idp);
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        _idp.Dispose();
    }

    [Fact]
    public async Task EveryApiRoute_WithoutToken_Answers401()
    {
        using var client = Factory.CreatePlainClient();
        var routes = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/", StringComparison.OrdinalIgnoreCase) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => (Method: method, Path: Concrete(e.RoutePattern))))
            .Distinct()
            .ToList();

        // The audit API at least; the feature APIs add theirs.
        routes.Count.ShouldBeGreaterThanOrEqualTo(3);
        var answered = new List<string>();
        foreach (var (method, path) in routes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method is "POST" or "PUT" or "PATCH")
            {
                request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            }

            var response = await client.SendAsync(request, Http.Token);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                answered.Add($"{method} {path} → {(int)response.StatusCode}");
            }
        }

        answered.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("/api/v1/securitytest/whoami")]
    [InlineData("/api/v1/no-such-route")]
    [InlineData("/api")]
    public async Task ApiPathWithoutPolicyOrRoute_WithoutToken_Answers401(string path)
    {
        using var client = Factory.CreatePlainClient();

        var response = await client.GetAsync(path, Http.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await Http.ProblemAsync(response);
    }

    [Fact]
    public async Task UnknownApiRoute_WithToken_Answers404()
    {
        using var client = Factory.CreateClientWithToken(_idp.Token(TestPerson.Counsellor()));

        (await client.GetAsync("/api/v1/no-such-route", Http.Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/openapi/v1.json")]
    public async Task HealthAndOpenApi_AnswerWithoutToken(string path)
    {
        using var client = Factory.CreatePlainClient();

        var response = await client.GetAsync(path, Http.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ApiAnswer_IsNotCacheable()
    {
        using var client = Factory.CreateClientWithToken(_idp.Token(TestPerson.Counsellor()));

        var response = await client.GetAsync("/api/v1/securitytest/whoami", Http.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
    }

    [Fact]
    public async Task AuditReviewerPolicy_RefusesOthersWith403AndAdmitsReviewers()
    {
        var reviewer = new TestPerson("reviewer-1", "org-kommun-1001", "1001", "SocialServices", ["AuditReviewer"], "01");
        using var asReviewer = Factory.CreateClientWithToken(_idp.Token(reviewer));
        using var asCounsellor = Factory.CreateClientWithToken(_idp.Token(TestPerson.Counsellor()));
        using var asFeed = Factory.CreateClientWithToken(_idp.Token(TestPerson.Feed() with { Roles = ["AuditReviewer"] }));

        (await asReviewer.GetAsync("/api/v1/audit/verify", Http.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var refused = await asCounsellor.GetAsync("/api/v1/audit/verify", Http.Token);
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await Http.ProblemAsync(refused);
        (await asFeed.GetAsync("/api/v1/audit/verify", Http.Token)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    /// <summary>A path for a route pattern, with every parameter filled in.</summary>
    private static string Concrete(Microsoft.AspNetCore.Routing.Patterns.RoutePattern pattern)
    {
        var segments = pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart separator => separator.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter =>
                parameter.ParameterPolicies.Any(p => p.Content is "int" or "long") ? "1" : "c_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            _ => "x",
        })));
        return "/" + string.Join('/', segments);
    }
}
