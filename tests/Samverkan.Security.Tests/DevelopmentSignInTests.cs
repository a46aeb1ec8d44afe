using System.Net;
using System.Text.Json;
using Npgsql;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>The Development sign-in: demo tokens through the real bearer validation, never outside Development.</summary>
public sealed class DevelopmentSignInTests(PostgresServerFixture postgres)
{
    private static readonly Dictionary<string, string?> ConfiguredUsers = new()
    {
        ["Samverkan:DevUsers:0:Staff"] = "demo-counsellor",
        ["Samverkan:DevUsers:0:Name"] = "Demo Kurator",
        ["Samverkan:DevUsers:0:Organisation"] = "org-school-1",
        ["Samverkan:DevUsers:0:Municipality"] = "1001",
        ["Samverkan:DevUsers:0:Agency"] = "School",
        ["Samverkan:DevUsers:0:Roles:0"] = "Counsellor",
        ["Samverkan:DevUsers:0:Region"] = "01",
        ["Samverkan:DevUsers:1:Staff"] = "demo-feed",
        ["Samverkan:DevUsers:1:Name"] = "Demo skolsystem",
        ["Samverkan:DevUsers:1:Organisation"] = "org-school-1",
        ["Samverkan:DevUsers:1:Municipality"] = "1001",
        ["Samverkan:DevUsers:1:Agency"] = "School",
        ["Samverkan:DevUsers:1:Scope"] = "samverkan.ingest",
    };

    [Theory]
    [InlineData("GET", "/dev/signin")]
    [InlineData("POST", "/dev/signin")]
    [InlineData("POST", "/dev/token")]
    public async Task DevEndpoints_InProduction_AreAbsent(string method, string path)
    {
        using var idp = new TestIdentityProvider();
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var factory = new SecurityHostFactory(database.ConnectionString, idp, "Production", ConfiguredUsers);
        using var client = factory.CreatePlainClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method == "POST" ? JsonBody(new { user = "demo-counsellor" }) : null,
        };

        var response = await client.SendAsync(request, Http.Token);

        // Absent: 404, or routing's 405 for a POST (the dashboard's static-file fallback matches GET paths); never a
        // challenge (401) that would suggest something is there.
        response.StatusCode.ShouldBeOneOf(HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed);
        (await client.GetAsync("/health/live", Http.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task DevToken_InDevelopment_IsAcceptedByTheBearerScheme()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var factory = new SecurityHostFactory(database.ConnectionString, identityProvider: null, "Development", ConfiguredUsers);
        using var client = factory.CreatePlainClient();

        var byName = await client.PostAsync("/dev/token", JsonBody(new { user = "Demo Kurator" }), Http.Token);
        byName.StatusCode.ShouldBe(HttpStatusCode.OK);
        var token = JsonDocument.Parse(await byName.Content.ReadAsStringAsync(Http.Token)).RootElement.GetProperty("access_token").GetString()!;
        using var authenticated = factory.CreateClientWithToken(token);
        var response = await authenticated.GetAsync("/api/v1/securitytest/whoami", Http.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var caller = await Http.JsonAsync<WhoAmI>(response);
        caller.Staff.ShouldBe("demo-counsellor");
        caller.Roles.ShouldBe(["Counsellor"]);
        caller.Municipality.ShouldBe("1001");
        (await client.PostAsync("/dev/token", JsonBody(new { user = "nobody" }), Http.Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DevToken_ForADemoFeed_IsAFeed()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var factory = new SecurityHostFactory(database.ConnectionString, identityProvider: null, "Development", ConfiguredUsers);
        using var client = factory.CreatePlainClient();

        var token = await TokenAsync(client, "demo-feed");
        using var feed = factory.CreateClientWithToken(token);

        (await Http.JsonAsync<WhoAmI>(await feed.GetAsync("/api/v1/securitytest/whoami", Http.Token))).IsFeed.ShouldBeTrue();
    }

    [Fact]
    public async Task DevSignInPage_ListsTheRosterStaffWhenThereAreAny()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var factory = new SecurityHostFactory(database.ConnectionString, identityProvider: null, "Development", ConfiguredUsers);
        using var client = factory.CreatePlainClient();
        (await client.GetStringAsync("/dev/signin", Http.Token)).ShouldContain("Demo Kurator");

        await ExecuteAsync(database,
            """
            insert into coord_municipalities (code, name, region_code, doc) values ('2002', 'Testkommun', '02', '{}');
            insert into coord_staff (staff_id, organisation, agency, active, doc)
              values ('roster-nurse', 'org-2002-skola', 'School', true, '{"displayName":"Sara <Skolsköterska>","roles":["SchoolNurse"]}'),
                     ('roster-gone', 'org-2002-skola', 'School', false, '{"displayName":"Slutat","roles":["Teacher"]}');
            insert into coord_teams (team_id, municipality, agency, organisation, members, doc)
              values ('eht-2002', '2002', 'School', 'org-2002-skola', '{roster-nurse,roster-gone}', '{}');
            """);

        var page = await client.GetStringAsync("/dev/signin", Http.Token);
        page.ShouldContain("Sara &lt;Skolsk"); // HTML-encoded
        page.ShouldNotContain("<Skolsk");
        page.ShouldNotContain("Slutat");
        page.ShouldNotContain("Demo Kurator");
        using var nurse = factory.CreateClientWithToken(await TokenAsync(client, "roster-nurse"));
        var caller = await Http.JsonAsync<WhoAmI>(await nurse.GetAsync("/api/v1/securitytest/whoami", Http.Token));
        caller.Municipality.ShouldBe("2002");
        caller.Region.ShouldBe("02");
        caller.Roles.ShouldBe(["SchoolNurse"]);
    }

    [Fact]
    public async Task DevSignIn_StartsACookieSession()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var factory = new SecurityHostFactory(database.ConnectionString, identityProvider: null, "Development", ConfiguredUsers);
        using var client = factory.CreatePlainClient();

        var response = await client.PostAsync("/dev/signin", Form(("user", "demo-counsellor"), ("returnUrl", "/dashboard")), Http.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        response.Headers.Location!.OriginalString.ShouldBe("/dashboard");
        var cookie = SessionTests.SessionCookie(response);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/securitytest/whoami");
        request.Headers.Add("Cookie", cookie);
        (await client.SendAsync(request, Http.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    internal static StringContent JsonBody(object value) =>
        new(JsonSerializer.Serialize(value), System.Text.Encoding.UTF8, "application/json");

    internal static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    private static async Task<string> TokenAsync(HttpClient client, string user)
    {
        var response = await client.PostAsync("/dev/token", JsonBody(new { user }), Http.Token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Http.Token)).RootElement.GetProperty("access_token").GetString()!;
    }

    private static async Task ExecuteAsync(TestDatabase database, string sql)
    {
        await using var command = new NpgsqlCommand(sql, await database.DataSource.OpenConnectionAsync(Http.Token));
        await command.ExecuteNonQueryAsync(Http.Token);
        await command.Connection!.DisposeAsync();
    }
}
