using System.Net;
using System.Net.Http.Headers;
using Samverkan.Host.Security;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>Bearer tokens: what is accepted, and every way a token is refused with 401.</summary>
public sealed class AuthenticationTests(PostgresServerFixture postgres) : IAsyncLifetime
{
    private const string WhoAmIPath = "/api/v1/securitytest/whoami";
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
    public async Task ValidToken_IsAcceptedAndMappedToTheCaller()
    {
        var person = new TestPerson("staff-42", "org-school-1", "1001", "School", ["Counsellor", "Coordinator", "Administrator"], "01");
        using var client = Factory.CreateClientWithToken(_idp.Token(person));

        var response = await client.GetAsync(WhoAmIPath, Http.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var caller = await Http.JsonAsync<WhoAmI>(response);
        caller.Staff.ShouldBe("staff-42");
        caller.Organisation.ShouldBe("org-school-1");
        caller.Municipality.ShouldBe("1001");
        caller.Agency.ShouldBe("School");
        caller.Roles.ShouldBe(["Counsellor", "Coordinator"], ignoreOrder: true);
        caller.IsCoordinator.ShouldBeTrue();
        caller.IsFeed.ShouldBeFalse();
        caller.Region.ShouldBe("01");
    }

    [Fact]
    public async Task FeedToken_WithoutAssuranceLevel_IsAcceptedAsAFeed()
    {
        using var client = Factory.CreateClientWithToken(_idp.Token(TestPerson.Feed(), acr: null));

        var response = await client.GetAsync(WhoAmIPath, Http.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var caller = await Http.JsonAsync<WhoAmI>(response);
        caller.IsFeed.ShouldBeTrue();
        caller.IsCoordinator.ShouldBeFalse();
    }

    public static TheoryData<string> RefusedTokens => new()
    {
        "expired", "not yet valid", "wrong audience", "wrong issuer", "wrong signature", "unsigned", "no assurance level",
        "assurance level too low", "unknown assurance level", "no municipality", "no organisation", "unknown agency", "numeric agency",
        "two municipalities", "garbage",
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task RefusedToken_Answers401ProblemWithBearerChallenge(string spoiled)
    {
        var person = TestPerson.Counsellor();
        var token = spoiled switch
        {
            "expired" => _idp.Token(person, notBefore: DateTime.UtcNow.AddHours(-3), lifetime: TimeSpan.FromHours(1)),
            "not yet valid" => _idp.Token(person, notBefore: DateTime.UtcNow.AddHours(1)),
            "wrong audience" => _idp.Token(person, audience: "another-service"),
            "wrong issuer" => _idp.Token(person, issuer: "https://idp.elsewhere.test"),
            "wrong signature" => _idp.Token(person, key: _idp.ForgedKey),
            "unsigned" => _idp.UnsignedToken(person),
            "no assurance level" => _idp.Token(person, acr: null),
            "assurance level too low" => _idp.Token(person, acr: TestIdentityProvider.Loa2),
            "unknown assurance level" => _idp.Token(person, acr: "urn:example:loa:99"),
            "no municipality" => _idp.Token(person, edit: c => c.Remove(SamverkanClaims.Municipality)),
            "no organisation" => _idp.Token(person, edit: c => c.Remove(SamverkanClaims.Organisation)),
            "unknown agency" => _idp.Token(person, edit: c => c[SamverkanClaims.Agency] = "Bakery"),
            "numeric agency" => _idp.Token(person, edit: c => c[SamverkanClaims.Agency] = "1"),
            "two municipalities" => _idp.Token(person, edit: c => c[SamverkanClaims.Municipality] = new[] { "1001", "2002" }),
            _ => "not.a.token",
        };
        using var client = Factory.CreateClientWithToken(token);

        var response = await client.GetAsync(WhoAmIPath, Http.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ShouldContain(h => h.Scheme == "Bearer");
        await Http.ProblemAsync(response);
    }

    [Fact]
    public async Task LowAssuranceLevel_ChallengeAsksForStrongerSignIn()
    {
        using var client = Factory.CreateClientWithToken(_idp.Token(TestPerson.Counsellor(), acr: TestIdentityProvider.Loa2));

        var response = await client.GetAsync(WhoAmIPath, Http.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var challenge = response.Headers.WwwAuthenticate.Single().Parameter!;
        challenge.ShouldContain("error=\"insufficient_user_authentication\"");
        challenge.ShouldContain("acr_values=\"" + TestIdentityProvider.Loa3 + "\"");
    }

    [Fact]
    public async Task NoToken_Answers401WithoutError()
    {
        using var client = Factory.CreatePlainClient();

        var response = await client.GetAsync(WhoAmIPath, Http.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ShouldContain(h => h.Scheme == "Bearer" && h.Parameter == null);
        (await Http.ProblemAsync(response)).GetProperty("title").GetString().ShouldBe("Authentication required");
    }

    [Fact]
    public async Task ConfiguredMinimumAssuranceLevel_IsApplied()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var factory = new SecurityHostFactory(database.ConnectionString, _idp, settings: new Dictionary<string, string?>
        {
            ["Samverkan:Authentication:MinimumAssuranceLevel"] = TestIdentityProvider.Loa2,
        });
        using var loa2 = factory.CreateClientWithToken(_idp.Token(TestPerson.Counsellor(), acr: TestIdentityProvider.Loa2));
        using var loa1 = factory.CreateClientWithToken(_idp.Token(TestPerson.Counsellor(), acr: "http://id.elegnamnden.se/loa/1.0/loa1"));

        (await loa2.GetAsync(WhoAmIPath, Http.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await loa1.GetAsync(WhoAmIPath, Http.Token)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task KeysFromJwksUrl_AreFetchedAndTrusted()
    {
        using var jwks = JwksServer.Start(_idp.Jwks);
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var factory = new SecurityHostFactory(database.ConnectionString, identityProvider: null, settings: new Dictionary<string, string?>
        {
            ["Samverkan:Authentication:Issuer"] = TestIdentityProvider.Issuer,
            ["Samverkan:Authentication:Audience"] = TestIdentityProvider.Audience,
            ["Samverkan:Authentication:JwksUri"] = jwks.Url,
        });
        using var valid = factory.CreateClientWithToken(_idp.Token(TestPerson.Counsellor()));
        using var forged = factory.CreateClientWithToken(_idp.Token(TestPerson.Counsellor(), key: _idp.ForgedKey));

        (await valid.GetAsync(WhoAmIPath, Http.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await forged.GetAsync(WhoAmIPath, Http.Token)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        jwks.Requests.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task NoIdentityProviderConfigured_OutsideProduction_RefusesEveryToken()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var factory = new SecurityHostFactory(database.ConnectionString, identityProvider: null);
        using var client = factory.CreateClientWithToken(_idp.Token(TestPerson.Counsellor()));

        (await client.GetAsync(WhoAmIPath, Http.Token)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await client.GetAsync("/health/live", Http.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Production_WithoutIdentityProvider_RefusesToStart()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var factory = new SecurityHostFactory(database.ConnectionString, identityProvider: null, environment: "Production");

        var failure = Should.Throw<Exception>(() => factory.CreateClient());

        failure.ToString().ShouldContain("Samverkan:Authentication:Issuer");
    }

    [Fact]
    public async Task BearerHeaderWithOtherScheme_IsNotAuthentication()
    {
        using var client = Factory.CreatePlainClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "c3RhZmY6cGFzc3dvcmQ=");

        (await client.GetAsync(WhoAmIPath, Http.Token)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
