using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Organisation;
using Samverkan.Testing;

namespace Samverkan.Host.Tests;

/// <summary>
/// The host as deployed exports over OTLP (here to a local OTLP/HTTP receiver): after a realistic flow (the roster, a
/// child enrolled by personal identity number, absence crossing a threshold into a case, a concern by personal identity
/// number, the child read) spans, metrics and logs arrive, and none of them holds a child key, one of the flow's
/// personal identity numbers in any of its formats, or a person's name.
/// </summary>
public sealed class TelemetryExportTests(PostgresServerFixture postgres)
{
    // Monday 23 March 2026, 08:00 in Sweden: a school day in the spring term.
    private static readonly DateTimeOffset Monday = new(2026, 3, 23, 7, 0, 0, TimeSpan.Zero);

    private const string Municipality = "1280";
    private const string School = "s-tallskolan";
    private const string SchoolOrganisation = "org-1280-skola";
    private const string SocialOrganisation = "org-1280-soc";
    private const string HealthTeam = "t-tall-eht";
    private const string SocialTeam = "t-1280-soc";

    // Names of people the flow sends (display names, and a name in a concern's free text).
    private static readonly string[] Names = ["Karin Lindqvist", "Lindqvist", "Anna Bergström", "Bergström", "Sofia Åkesson", "Åkesson", "Eva Johansson", "Johansson"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARealisticFlow_ExportsSpansMetricsAndLogs_WithoutChildKeysIdentityNumbersOrNames()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        var host = new TelemetryHost(database, new ManualTimeProvider(Monday), receiver.Endpoint);
        string childKey;
        var number = ApiTestHost.TestNumbers[0];           // 12 digits: 201408152393
        var unknownKey = "c_unknownchildkeyxyz12";
        try
        {
            _ = host.Server;
            var feed = host.ClientWithToken(host.Tokens.Feed("skolsystem", SchoolOrganisation, Municipality, "School"));
            var counsellor = host.ClientWithToken(host.Tokens.Person("karin", SchoolOrganisation, Municipality, "School", "Counsellor"));
            await SetUpRosterAsync(feed);

            // A child enrolled by personal identity number; the answer is its key.
            var enrolled = await feed.PostAsJsonAsync("/api/v1/children", new
            {
                child = new { personalIdentityNumber = number },
                homeMunicipality = Municipality,
                enrolments = new[] { new { school = School, from = "2025-08-18" } },
                namedPerson = new { staff = "anna", agency = "School" },
            }, Token);
            enrolled.StatusCode.ShouldBe(HttpStatusCode.OK, await enrolled.Content.ReadAsStringAsync(Token));
            childKey = (await ApiTestHost.ReadAsync<JsonElement>(enrolled)).GetProperty("key").GetString()!;

            // 6 whole days away of the last 20 school days (30 %): the rule opens a case.
            var absences = await feed.PostAsJsonAsync("/api/v1/absences/batch", new { items = Registrations(host, childKey, days: 20, absentDays: 6) }, Token);
            absences.StatusCode.ShouldBe(HttpStatusCode.Accepted, await absences.Content.ReadAsStringAsync(Token));
            await host.WaitUntilAsync(async () => (await CasesAsync(counsellor)).GetProperty("total").GetInt64() == 1, "the absence case");

            // A concern by personal identity number, in its 10-digit form with a dash, naming a parent in its text.
            var concern = await counsellor.PostAsJsonAsync("/api/v1/concerns", new
            {
                id = "oro-telemetry-1",
                child = new { personalIdentityNumber = number[2..8] + "-" + number[8..] },
                category = "Neglect",
                date = "2026-03-20",
                summary = "Eva Johansson ringde: barnet kommer ofta utan frukost.",
            }, Token);
            concern.StatusCode.ShouldBe(HttpStatusCode.Created, await concern.Content.ReadAsStringAsync(Token));

            // Reading the child (its key in the path), a child that does not exist, and a number in a query string.
            (await counsellor.GetAsync($"/api/v1/children/{childKey}/overview", Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await counsellor.GetAsync($"/api/v1/children/{unknownKey}/overview", Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await counsellor.GetAsync($"/api/v1/cases?child={childKey}&pnr={number}", Token)).IsSuccessStatusCode.ShouldBeTrue();

            // Spans of the flow's requests and of the database, the request metrics, and logs arrive.
            try
            {
                await host.WaitUntilAsync(
                    () => Task.FromResult(
                        receiver.SpanNames().Any(n => n.Contains("/api/v1/children/{childKey}/overview", StringComparison.Ordinal))
                        && receiver.SpanNames().Any(n => n.Contains("/api/v1/concerns", StringComparison.Ordinal))
                        && receiver.MetricNames().Contains("http.server.request.duration")
                        && receiver.LogRecordCount() > 0),
                    "spans, metrics and logs at the OTLP receiver",
                    TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                throw new TimeoutException(
                    $"The OTLP receiver got {receiver.Payloads.Count} bodies ({string.Join(", ", receiver.Payloads.GroupBy(p => p.Signal).Select(g => $"{g.Key}: {g.Count()}"))}); "
                    + $"spans: {string.Join(" | ", receiver.SpanNames().Distinct().Take(40))}; metrics: {string.Join(", ", receiver.MetricNames())}; logs: {receiver.LogRecordCount()}");
            }
        }
        finally
        {
            // Stopping the host flushes what its exporters still hold; that is scanned too.
            await host.DisposeAsync();
        }

        var spans = receiver.SpanNames();
        spans.ShouldNotBeEmpty();
        receiver.MetricNames().ShouldContain(m => m.StartsWith("db.client.", StringComparison.Ordinal), "Npgsql's metrics");

        // The scan sees what it looks for: the route template and the service name are in the bodies as text.
        var everything = receiver.Payloads.Select(p => (p.Signal, Text: Encoding.UTF8.GetString(p.Body))).ToArray();
        everything.ShouldContain(p => p.Text.Contains("/api/v1/children/{childKey}/overview", StringComparison.Ordinal));
        everything.ShouldContain(p => p.Signal == "logs");

        var forbidden = new[]
        {
            childKey, childKey[2..], unknownKey,
            number, number[2..], number[2..8] + "-" + number[8..], number[..8] + "-" + number[8..], number[2..8] + "+" + number[8..],
        }.Concat(Names);
        foreach (var (signal, text) in everything)
        {
            foreach (var value in forbidden)
            {
                text.Contains(value, StringComparison.Ordinal).ShouldBeFalse($"{signal} carried '{value}': …{Around(text, value)}…");
            }
        }
    }

    private static string Around(string text, string value)
    {
        var at = text.IndexOf(value, StringComparison.Ordinal);
        var from = Math.Max(0, at - 120);
        return new string([.. text[from..Math.Min(text.Length, at + value.Length + 120)].Select(c => char.IsControl(c) ? '·' : c)]);
    }

    private static async Task SetUpRosterAsync(HttpClient feed)
    {
        await PutAsync(feed, $"/api/v1/municipalities/{Municipality}", new { name = "Testkommun", regionCode = "12" });
        foreach (var (id, name, org, agency, role) in new[]
                 {
                     ("anna", "Anna Bergström", SchoolOrganisation, "School", "Principal"),
                     ("karin", "Karin Lindqvist", SchoolOrganisation, "School", "Counsellor"),
                     ("sofia", "Sofia Åkesson", SocialOrganisation, "SocialServices", "SocialWorker"),
                 })
        {
            await PutAsync(feed, $"/api/v1/staff/{id}", new { id, displayName = name, organisation = org, agency, roles = new[] { role } });
        }

        await PutAsync(feed, $"/api/v1/teams/{HealthTeam}", new
        {
            id = HealthTeam, name = "EHT Tallskolan", agency = "School", organisation = SchoolOrganisation, municipality = Municipality,
            members = new[] { new { staff = "anna", role = "Principal" }, new { staff = "karin", role = "Counsellor" } },
        });
        await PutAsync(feed, $"/api/v1/teams/{SocialTeam}", new
        {
            id = SocialTeam, name = "Socialtjänsten", agency = "SocialServices", organisation = SocialOrganisation, municipality = Municipality,
            members = new[] { new { staff = "sofia", role = "SocialWorker" } },
        });
        await PutAsync(feed, $"/api/v1/schools/{School}", new
        {
            id = School, name = "Tallskolan", municipality = Municipality, kind = "Compulsory", organisation = SchoolOrganisation,
            studentHealthTeam = HealthTeam,
            socialServices = new { organisation = SocialOrganisation, team = SocialTeam, contactPersons = new[] { "sofia" } },
        });
    }

    private static async Task PutAsync(HttpClient client, string path, object body)
    {
        var response = await client.PutAsJsonAsync(path, body, Token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{path}: {await response.Content.ReadAsStringAsync(Token)}");
    }

    private static async Task<JsonElement> CasesAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/v1/cases", Token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Token));
        return await ApiTestHost.ReadAsync<JsonElement>(response);
    }

    private static object[] Registrations(ApiTestHost host, string key, int days, int absentDays)
    {
        var calendar = SchoolCalendar.SwedishDefault(new MunicipalityCode(Municipality), 2024, 2026);
        var schoolDays = calendar.LastSchoolDays(SwedishTime.DateOf(host.Time.GetUtcNow()).AddDays(-1), days);
        return [.. schoolDays.Select((day, i) =>
        {
            var absent = i >= schoolDays.Length - absentDays;
            return (object)new
            {
                source = "skolsystem",
                sourceId = $"telemetry-{day:yyyyMMdd}",
                pupil = new { key },
                school = School,
                date = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                offeredMinutes = 300,
                attendanceMinutes = absent ? 0 : 300,
                validAbsenceMinutes = 0,
                invalidAbsenceMinutes = absent ? 300 : 0,
                otherAttendanceMinutes = 0,
                reportedTimestamp = host.Time.GetUtcNow().AddHours(-1),
            };
        })];
    }

    /// <summary>The in-memory host with its OTLP exporters pointed at the receiver, exporting often.</summary>
    private sealed class TelemetryHost(TestDatabase database, ManualTimeProvider time, string otlpEndpoint)
        : ApiTestHost(database, time, settings: new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlpEndpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
        });
}
