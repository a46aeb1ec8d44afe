using System.Net;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>
/// In Development, POST /signin makes a cookie session from a token (the demo sign-in's path; over https here, as a
/// deployment is); the cookie is accepted beside bearer tokens. Outside Development the form is gone: people sign in
/// through the identity provider (OpenID Connect, tested in the browser tests).
/// </summary>
public sealed class SessionTests(PostgresServerFixture postgres) : IAsyncLifetime
{
    private const string WhoAmIPath = "/api/v1/securitytest/whoami";
    private readonly TestIdentityProvider _idp = new();
    private TestDatabase? _database;
    private SecurityHostFactory? _factory;

    private SecurityHostFactory Factory => _factory!;

    public async ValueTask InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        _factory = new SecurityHostFactory(_database.ConnectionString, _idp, "Development");
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
    public async Task SignIn_WithValidToken_SetsAStrictHttpOnlyCookieThatAuthenticates()
    {
        using var client = Factory.CreateHttpsClient();

        var response = await client.PostAsync("/signin", DevelopmentSignInTests.Form(("token", _idp.Token(TestPerson.Counsellor()))), Http.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var setCookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("samverkan.session=", StringComparison.Ordinal));
        setCookie.ShouldContain("httponly", Case.Insensitive);
        setCookie.ShouldContain("samesite=strict", Case.Insensitive);
        setCookie.ShouldContain("secure", Case.Insensitive);
        var caller = await Http.JsonAsync<WhoAmI>(await SendWithCookieAsync(client, SessionCookie(response)));
        caller.Staff.ShouldBe("staff-counsellor");
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        using var client = Factory.CreateHttpsClient();
        var signIn = await client.PostAsync("/signin", DevelopmentSignInTests.Form(("token", _idp.Token(TestPerson.Counsellor()))), Http.Token);
        var cookie = SessionCookie(signIn);

        using var signOut = new HttpRequestMessage(HttpMethod.Post, "/signout");
        signOut.Headers.Add("Cookie", cookie);
        var response = await client.SendAsync(signOut, Http.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        response.Headers.GetValues("Set-Cookie").ShouldContain(c => c.StartsWith("samverkan.session=;", StringComparison.Ordinal));
    }

    public static TheoryData<string> RefusedSignIns => new() { "expired", "wrong signature", "no assurance level", "feed", "empty" };

    [Theory]
    [MemberData(nameof(RefusedSignIns))]
    public async Task SignIn_WithRefusedToken_Answers401AndSetsNoCookie(string spoiled)
    {
        var token = spoiled switch
        {
            "expired" => _idp.Token(TestPerson.Counsellor(), notBefore: DateTime.UtcNow.AddHours(-3), lifetime: TimeSpan.FromHours(1)),
            "wrong signature" => _idp.Token(TestPerson.Counsellor(), key: _idp.ForgedKey),
            "no assurance level" => _idp.Token(TestPerson.Counsellor(), acr: null),
            "feed" => _idp.Token(TestPerson.Feed(), acr: null),
            _ => "",
        };
        using var client = Factory.CreateHttpsClient();

        var response = await client.PostAsync("/signin", DevelopmentSignInTests.Form(("token", token)), Http.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.Contains("Set-Cookie").ShouldBeFalse();
        await Http.ProblemAsync(response);
    }

    [Fact]
    public async Task SignIn_FromAnotherSite_IsRefused()
    {
        using var client = Factory.CreateHttpsClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/signin")
        {
            Content = DevelopmentSignInTests.Form(("token", _idp.Token(TestPerson.Counsellor()))),
        };
        request.Headers.Add("Origin", "https://attacker.example");

        var response = await client.SendAsync(request, Http.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        response.Headers.Contains("Set-Cookie").ShouldBeFalse();
    }

    [Theory]
    [InlineData("/cases", HttpStatusCode.SeeOther)]
    [InlineData("//attacker.example/", HttpStatusCode.NoContent)]
    [InlineData("https://attacker.example/", HttpStatusCode.NoContent)]
    [InlineData("/\\attacker.example", HttpStatusCode.NoContent)]
    public async Task SignIn_RedirectsOnlyToLocalUrls(string returnUrl, HttpStatusCode expected)
    {
        using var client = Factory.CreateHttpsClient();

        var response = await client.PostAsync(
            "/signin", DevelopmentSignInTests.Form(("token", _idp.Token(TestPerson.Counsellor())), ("returnUrl", returnUrl)), Http.Token);

        response.StatusCode.ShouldBe(expected);
    }

    [Fact]
    public async Task TamperedCookie_IsNotASession()
    {
        using var client = Factory.CreateHttpsClient();
        var signIn = await client.PostAsync("/signin", DevelopmentSignInTests.Form(("token", _idp.Token(TestPerson.Counsellor()))), Http.Token);
        var cookie = SessionCookie(signIn);
        var tampered = cookie[..^4] + (cookie[^4] == 'A' ? "B" : "A") + cookie[^3..];

        var response = await SendWithCookieAsync(client, tampered);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("Testing")]
    [InlineData("Production")]
    public async Task TokenForm_OutsideDevelopment_IsGone(string environment)
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var factory = new SecurityHostFactory(database.ConnectionString, _idp, environment);
        using var client = factory.CreateHttpsClient();

        var response = await client.PostAsync("/signin", DevelopmentSignInTests.Form(("token", _idp.Token(TestPerson.Counsellor()))), Http.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        response.Headers.Contains("Set-Cookie").ShouldBeFalse();
    }

    [Fact]
    public async Task SignInPage_WithoutAnIdentityProviderOutsideDevelopment_SaysSo()
    {
        await using var factory = new SecurityHostFactory(_database!.ConnectionString, _idp, "Testing");
        using var client = factory.CreateHttpsClient();

        var response = await client.GetAsync("/signin", Http.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync(Http.Token)).ShouldContain("Ingen inloggningstjänst");
    }

    internal static string SessionCookie(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("samverkan.session=", StringComparison.Ordinal)).Split(';')[0];

    private static Task<HttpResponseMessage> SendWithCookieAsync(HttpClient client, string cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, WhoAmIPath);
        request.Headers.Add("Cookie", cookie);
        return client.SendAsync(request, Http.Token);
    }
}
