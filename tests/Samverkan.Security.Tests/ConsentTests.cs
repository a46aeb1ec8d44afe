using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>
/// Consents and decisions not to share over HTTP into the real host (actors, read models, manual clock): a consent lets
/// details cross an agency line from the next request on, and its expiry or withdrawal stops that at the next request.
/// </summary>
public sealed class ConsentTests(PostgresServerFixture postgres)
{
    private const string Child = LiveWorld.OrdinaryChild;

    [Fact]
    public async Task Consent_LetsDetailsCrossAtTheNextRequest_AndItsExpiryStopsThatAtTheNextRequest()
    {
        await using var host = await LiveHost.StartAsync(postgres);
        var world = await ChildWithSocialServicesConcernAsync(host);
        using var nurse = host.As(LiveWorld.OtherSchoolNurse);
        using var social = host.As(LiveWorld.SocialWorker);
        (await ConcernSummaryAsync(nurse)).ShouldBeNull("a school nurse sees social services' concern only with a consent");

        var now = host.Time.GetUtcNow();
        var recorded = await social.PostAsJsonAsync($"/api/v1/children/{Child}/consents", new
        {
            id = "consent-1",
            givenBy = new[] { new { kind = "Guardian", guardian = "guardian-ref-1" } },
            recipients = new[] { LiveWorld.OtherSchoolOrg },
            categories = new[] { "Concerns" },
            purpose = "Plan support at school together",
            validFrom = now,
            validTo = now.AddDays(1),
        }, Http.Token);
        recorded.StatusCode.ShouldBe(HttpStatusCode.Created, await recorded.Content.ReadAsStringAsync(Http.Token));
        (await ConcernSummaryAsync(nurse)).ShouldNotBeNull("the consent is in force");
        (await ConsentStatusAsync(social, "consent-1")).ShouldBe("InForce");

        host.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));

        (await ConcernSummaryAsync(nurse)).ShouldBeNull("the consent expired");
        (await ConsentStatusAsync(social, "consent-1")).ShouldBe("Expired");
        _ = world;
    }

    [Fact]
    public async Task Withdrawal_TakesEffectAtTheNextRequest()
    {
        await using var host = await LiveHost.StartAsync(postgres);
        await ChildWithSocialServicesConcernAsync(host);
        using var nurse = host.As(LiveWorld.OtherSchoolNurse);
        using var social = host.As(LiveWorld.SocialWorker);
        var recorded = await social.PostAsJsonAsync($"/api/v1/children/{Child}/consents", new
        {
            id = "consent-2",
            givenBy = new[] { new { kind = "Child" } },
            recipients = new[] { LiveWorld.OtherSchoolOrg },
            categories = new[] { "Concerns", "SocialCircumstances" },
            purpose = "Support at school",
        }, Http.Token);
        recorded.StatusCode.ShouldBe(HttpStatusCode.Created, await recorded.Content.ReadAsStringAsync(Http.Token));
        (await ConcernSummaryAsync(nurse)).ShouldNotBeNull();

        var withdrawn = await social.PostAsync($"/api/v1/children/{Child}/consents/consent-2/withdraw", null, Http.Token);
        withdrawn.StatusCode.ShouldBe(HttpStatusCode.OK, await withdrawn.Content.ReadAsStringAsync(Http.Token));

        (await ConcernSummaryAsync(nurse)).ShouldBeNull("withdrawn: nothing more crosses");
        (await ConsentStatusAsync(social, "consent-2")).ShouldBe("Withdrawn");
        (await social.PostAsync($"/api/v1/children/{Child}/consents/no-such-consent/withdraw", null, Http.Token)).StatusCode
            .ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DecisionNotToShare_IsRecordedWithItsReason_AndShownToTheCaseTeamOnly()
    {
        await using var host = await LiveHost.StartAsync(postgres);
        await ChildWithSocialServicesConcernAsync(host);
        using var social = host.As(LiveWorld.SocialWorker);
        var noReason = await social.PostAsJsonAsync(
            $"/api/v1/children/{Child}/decisions-not-to-share", new { recipients = new[] { LiveWorld.OtherSchoolOrg }, categories = new[] { "SocialCircumstances" } }, Http.Token);
        noReason.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await Http.ProblemAsync(noReason)).GetProperty("errors").EnumerateArray().ShouldContain(e => e.GetProperty("field").GetString() == "reason");

        var decided = await social.PostAsJsonAsync($"/api/v1/children/{Child}/decisions-not-to-share", new
        {
            id = "nts-1",
            recipients = new[] { LiveWorld.OtherSchoolOrg },
            categories = new[] { "SocialCircumstances" },
            reason = "The guardians did not consent and no legal basis applies.",
        }, Http.Token);
        decided.StatusCode.ShouldBe(HttpStatusCode.Created, await decided.Content.ReadAsStringAsync(Http.Token));

        var sharing = await Http.JsonAsync<JsonElement>(await social.GetAsync($"/api/v1/children/{Child}/consents", Http.Token));
        var decision = sharing.GetProperty("decisionsNotToShare").EnumerateArray().ShouldHaveSingleItem();
        decision.GetProperty("reason").GetString().ShouldBe("The guardians did not consent and no legal basis applies.");
        decision.GetProperty("decidedBy").GetString().ShouldBe("sofia");

        // The nurse sees the child but is not its case team, social services contact or named person: 404, as if missing.
        using var nurse = host.As(LiveWorld.OtherSchoolNurse);
        (await nurse.GetAsync($"/api/v1/children/{Child}/consents", Http.Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await nurse.PostAsJsonAsync($"/api/v1/children/{Child}/decisions-not-to-share", new { reason = "x" }, Http.Token)).StatusCode
            .ShouldBe(HttpStatusCode.NotFound);
        using var other = host.As(LiveWorld.OtherMunicipality);
        (await other.GetAsync($"/api/v1/children/{Child}/consents", Http.Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await social.GetAsync("/api/v1/children/c_nosuchchildaaaaaaaa/consents", Http.Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ConsentRequests_AreValidated_AndAudited()
    {
        await using var host = await LiveHost.StartAsync(postgres);
        await ChildWithSocialServicesConcernAsync(host);
        using var social = host.As(LiveWorld.SocialWorker);
        var before = await host.ScalarAsync("select count(*) from audit_log where child_key = $1 and resource like '%consents%'", Child);

        var invalid = await social.PostAsJsonAsync($"/api/v1/children/{Child}/consents", new { purpose = " " }, Http.Token);
        invalid.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var fields = (await Http.ProblemAsync(invalid)).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        fields.ShouldBe(["givenBy", "recipients", "categories", "purpose"], ignoreOrder: true);

        var read = await social.GetAsync($"/api/v1/children/{Child}/consents", Http.Token);
        read.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await host.ScalarAsync("select count(*) from audit_log where child_key = $1 and resource like '%consents%'", Child)).ShouldBe(before + 2);
        (await host.ScalarAsync(
            "select count(*) from audit_log where child_key = $1 and action = 'read' and purpose = 'read the child''s consents' and staff_id = 'sofia'", Child))
            .ShouldBe(1);
    }

    /// <summary>The ordinary child at Björkskolan with a concern reported by social services (sofia, a contact person of the school).</summary>
    private static async Task<LiveWorld> ChildWithSocialServicesConcernAsync(LiveHost host)
    {
        var world = new LiveWorld(host);
        await world.SetUpAsync();
        await world.EnrolAsync(Child, LiveWorld.OtherSchool, namedPerson: null);
        await world.ReportConcernAsync(LiveWorld.SocialWorker, Child);
        return world;
    }

    private static async Task<string?> ConcernSummaryAsync(HttpClient client)
    {
        var response = await client.GetAsync($"/api/v1/children/{Child}/overview", Http.Token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Http.Token));
        var concern = (await Http.JsonAsync<JsonElement>(response)).GetProperty("concerns").EnumerateArray().ShouldHaveSingleItem();
        return concern.TryGetProperty("summary", out var summary) && summary.ValueKind == JsonValueKind.String ? summary.GetString() : null;
    }

    private static async Task<string> ConsentStatusAsync(HttpClient client, string id)
    {
        var response = await client.GetAsync($"/api/v1/children/{Child}/consents", Http.Token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Http.Token));
        return (await Http.JsonAsync<JsonElement>(response)).GetProperty("consents").EnumerateArray()
            .Single(c => c.GetProperty("id").GetString() == id).GetProperty("status").GetString()!;
    }
}
