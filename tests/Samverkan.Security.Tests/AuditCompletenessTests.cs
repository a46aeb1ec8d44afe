using System.Net;
using System.Text.Json;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>
/// Audit completeness: a random sequence of reads (every role, every GET of child data: overview, consents, case, case
/// list, chronology, case alerts, reporter-feedback list, audit review; related and unrelated children
/// and cases) against the live host; afterwards the audit log holds exactly one entry per child each successful answer
/// showed (read, list, review), none for a refused one, each with the request's purpose and request id, and the chain
/// still verifies. The seed is in the failure message.
/// </summary>
public sealed class AuditCompletenessTests(PostgresServerFixture postgres)
{
    [Fact]
    public async Task RandomReads_AreEachAuditedOncePerChildShown_AndRefusedReadsAreNot()
    {
        await using var host = await LiveHost.StartAsync(postgres);
        var world = new LiveWorld(host);
        await world.SetUpAsync();
        await world.EnrolAsync(LiveWorld.ProtectedChild, LiveWorld.ProtectedSchool, protectedIdentity: true);
        await world.EnrolAsync(LiveWorld.OrdinaryChild, LiveWorld.OtherSchool, namedPerson: null);
        var cases = new Dictionary<string, string>
        {
            [LiveWorld.ProtectedChild] = await world.OpenAbsenceCaseAsync(LiveWorld.ProtectedChild, LiveWorld.ProtectedSchool),
            [LiveWorld.OrdinaryChild] = await world.OpenAbsenceCaseAsync(LiveWorld.OrdinaryChild, LiveWorld.OtherSchool),
        };
        await world.ReportConcernAsync(LiveWorld.SocialWorker, LiveWorld.ProtectedChild);
        await world.ReportConcernAsync(LiveWorld.OtherSchoolNurse, LiveWorld.OrdinaryChild); // social services owe its reporter feedback
        string[] children = [LiveWorld.ProtectedChild, LiveWorld.OrdinaryChild, "c_missingchildaaaaaaa"];
        var people = LiveWorld.People.Values.ToArray();
        var baseline = await host.ScalarAsync("select coalesce(max(seq), 0) from audit_log");

        var seed = Random.Shared.Next();
        var random = new Random(seed);
        var expected = new Dictionary<(string Staff, string Child, string Action), int>();
        var refused = 0;
        for (var i = 0; i < 120; i++)
        {
            var person = people[random.Next(people.Length)];
            var child = children[random.Next(children.Length)];
            var (path, action) = random.Next(8) switch
            {
                0 => ($"/api/v1/children/{child}/overview", "read"),
                1 => ($"/api/v1/children/{child}/consents", "read"),
                2 => ($"/api/v1/cases/{cases.GetValueOrDefault(child, "case-missing")}", "read"),
                3 => ("/api/v1/cases", "list"),
                4 => ($"/api/v1/children/{child}/chronology", "read"),
                5 => ($"/api/v1/cases/{cases.GetValueOrDefault(child, "case-missing")}/alerts", "read"),
                6 => ("/api/v1/concerns/feedback", "list"),
                _ => ($"/api/v1/audit/children/{child}", "review"),
            };
            using var client = host.As(person);
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Samverkan-Purpose", $"completeness {i}");
            using var response = await client.SendAsync(request, Http.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                refused++;
                continue;
            }

            IEnumerable<string> shown = action == "list"
                ? (await Http.JsonAsync<JsonElement>(response)).GetProperty("items").EnumerateArray()
                    .Select(c => c.GetProperty("childKey")).Where(k => k.ValueKind == JsonValueKind.String).Select(k => k.GetString()!).Distinct()
                : [child];
            foreach (var key in shown)
            {
                expected[(person.Staff, key, action)] = expected.GetValueOrDefault((person.Staff, key, action)) + 1;
            }
        }

        var actual = new Dictionary<(string Staff, string Child, string Action), int>();
        await using (var command = host.Database.CreateCommand(
            "select staff_id, child_key, action, count(*), count(distinct purpose) filter (where purpose like 'completeness %'), count(*) filter (where request_id is null) from audit_log where seq > $1 and child_key is not null group by 1, 2, 3"))
        {
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = baseline });
            await using var reader = await command.ExecuteReaderAsync(Http.Token);
            while (await reader.ReadAsync(Http.Token))
            {
                actual[(reader.GetString(0), reader.GetString(1), reader.GetString(2))] = (int)reader.GetInt64(3);
                reader.GetInt64(4).ShouldBeGreaterThan(0, $"seed {seed}: the stated purpose is recorded");
                reader.GetInt64(5).ShouldBe(0, $"seed {seed}: every entry has its request id");
            }
        }

        actual.OrderBy(e => e.Key.ToString()).ShouldBe(expected.OrderBy(e => e.Key.ToString()), $"seed {seed}");
        expected.Count.ShouldBeGreaterThan(0, $"seed {seed}");
        refused.ShouldBeGreaterThan(0, $"seed {seed}: some reads were refused (unrelated, other municipality, missing)");

        using var reviewer = host.As(LiveWorld.Reviewer);
        var verify = await Http.JsonAsync<JsonElement>(await reviewer.GetAsync("/api/v1/audit/verify", Http.Token));
        verify.GetProperty("isValid").GetBoolean().ShouldBeTrue();
    }
}
