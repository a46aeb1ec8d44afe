using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Samverkan.Domain.Calendar;
using Samverkan.Host.Demo;
using Samverkan.Testing;

namespace Samverkan.Host.Tests;

/// <summary>The README's "Try it", step by step, against the host as <c>scripts/run.sh</c> runs it: Development with demo data.</summary>
public sealed class TryItTests(PostgresServerFixture postgres)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3); // a budget for conditions on a loaded 2-core machine

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFeedPostsFiveDaysOfUnexcusedAbsence_AndTheCounsellorSeesTheCaseOpen()
    {
        var today = SwedishTime.DateOf(DateTimeOffset.UtcNow);
        var schoolYearStart = new DateOnly(today.Month >= 8 ? today.Year : today.Year - 1, 8, 15);
        var days = SchoolCalendar.SwedishDefault(DemoData.Municipality, schoolYearStart.Year - 1, schoolYearStart.Year).LastSchoolDays(today, 5);
        if (days.Length < 5 || days[0] <= schoolYearStart)
        {
            Assert.Skip("Fewer than five school days of this school year so far.");
        }

        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        var url = "http://127.0.0.1:" + FreePort.Next().ToString(CultureInfo.InvariantCulture);
        await using var host = HostProcess.Start(["--urls", url], new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ConnectionStrings__Samverkan"] = database.ConnectionString,
        });
        (await host.WaitUntilOkAsync(url + "/health/ready", Patience, Token)).ShouldBeTrue(host.Output);
        await DatabaseQueries.WaitUntilAsync(
            () => Task.FromResult(host.Output.Contains("Demo data loaded", StringComparison.Ordinal)), "the demo data", Patience,
            TimeSpan.FromMilliseconds(200), () => Task.FromResult(host.Output), Token);
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };

        // A feed token from the dev sign-in, and five whole school days of unexcused absence for a Norrskolan pupil.
        var feed = await TokenAsync(http, DemoData.SchoolSystemFeed);
        var child = DemoData.ChildKey(20).Value;
        using var batch = new HttpRequestMessage(HttpMethod.Post, "/api/v1/absences/batch")
        {
            Content = JsonContent.Create(new
            {
                items = days.Select(day => new
                {
                    source = "skolsystem",
                    sourceId = $"try-it-{day:yyyyMMdd}",
                    pupil = new { key = child },
                    school = "s-norrskolan",
                    date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    offeredMinutes = 300,
                    attendanceMinutes = 0,
                    validAbsenceMinutes = 0,
                    invalidAbsenceMinutes = 300,
                    reportedTimestamp = DateTimeOffset.UtcNow,
                }),
            }),
        };
        batch.Headers.Authorization = new AuthenticationHeaderValue("Bearer", feed);
        using var posted = await http.SendAsync(batch, Token);
        posted.StatusCode.ShouldBe(HttpStatusCode.Accepted, await posted.Content.ReadAsStringAsync(Token));

        // The counsellor of Norrskolan signs in and sees the case open.
        var counsellor = await TokenAsync(http, "karin.kurator");
        JsonElement? opened = null;
        await DatabaseQueries.WaitUntilAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/cases");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", counsellor);
            using var response = await http.SendAsync(request, Token);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            var page = await response.Content.ReadFromJsonAsync<JsonElement>(Token);
            opened = page.GetProperty("items").EnumerateArray()
                .Select(c => (JsonElement?)c)
                .FirstOrDefault(c => c!.Value.GetProperty("childKey").GetString() == child);
            return opened is not null;
        }, "the case of the pupil on the counsellor's list", Patience, TimeSpan.FromMilliseconds(500), () => Task.FromResult(host.Output), Token);
        opened!.Value.GetProperty("school").GetString().ShouldBe("s-norrskolan");
        opened.Value.GetProperty("status").GetString().ShouldBe("Open");
    }

    private static async Task<string> TokenAsync(HttpClient http, string user)
    {
        using var response = await http.PostAsJsonAsync("/dev/token", new { user }, Token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"a demo user {user}: {await response.Content.ReadAsStringAsync(Token)}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("access_token").GetString()!;
    }
}
