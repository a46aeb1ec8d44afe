using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>One live host with a world loaded through the roster API, shared by the rows of live-access-matrix.csv.</summary>
public sealed class LiveMatrixFixture(PostgresServerFixture postgres) : IAsyncLifetime
{
    public const string Related = "c_matrixrelatedaaaaaa";
    public const string OtherMunicipalityChild = "c_matrixothermunicipa";

    /// <summary>A concern about the related child reported by the school (counsellor), so that social services owe it feedback.</summary>
    public const string FeedbackConcern = "matrix-feedback-concern";

    /// <summary>The staff member the roster administrators deactivate (no one the other rows call as).</summary>
    public const string Leaver = "leaver";

    /// <summary>The school organisation's webhook that its administrator and coordinator manage.</summary>
    public const string Webhook = "matrix-hook";

    internal LiveHost Host { get; private set; } = null!;

    internal Dictionary<string, string> Objects { get; } = new(StringComparer.Ordinal)
    {
        ["related"] = Related,
        ["unrelated"] = LiveWorld.OrdinaryChild,
        ["other-municipality"] = OtherMunicipalityChild,
        ["missing"] = "c_missingchildaaaaaaa",
        ["missing-case"] = "case-missing",
        ["-"] = "",
    };

    public async ValueTask InitializeAsync()
    {
        Host = await LiveHost.StartAsync(postgres);
        var world = new LiveWorld(Host);
        await world.SetUpAsync();
        await world.PutStaffAsync("tove", LiveWorld.SchoolOrg, "School", "Teacher");
        await world.EnrolAsync(Related, LiveWorld.ProtectedSchool);
        await world.EnrolAsync(LiveWorld.OrdinaryChild, LiveWorld.OtherSchool, namedPerson: null);
        Objects["case-related"] = await world.OpenAbsenceCaseAsync(Related, LiveWorld.ProtectedSchool);
        Objects["case-unrelated"] = await world.OpenAbsenceCaseAsync(LiveWorld.OrdinaryChild, LiveWorld.OtherSchool);
        await world.SetUpOtherMunicipalityAsync(OtherMunicipalityChild);
        Objects["case-other-municipality"] = $"{OtherMunicipalityChild}-1";
        await world.ReportConcernAsync(LiveWorld.SocialWorker, Related, "matrix-concern");
        using var social = Host.As(LiveWorld.SocialWorker);
        var consent = await social.PostAsJsonAsync($"/api/v1/children/{Related}/consents", LiveMatrixTests.ConsentBody("matrix-consent"), Http.Token);
        consent.StatusCode.ShouldBe(HttpStatusCode.Created, await consent.Content.ReadAsStringAsync(Http.Token));
        await LiveHost.WaitUntilAsync(async () => await Host.ScalarAsync("select count(*) from actor_grain_outbox") == 0, "all messages processed");

        // Case work (issue 8): a concern by the school (it owes the reporter feedback), a plan action and a meeting on the
        // related case, and a staff member to deactivate; alerts (issue 5): one of the principal's alerts.
        await world.ReportConcernAsync(LiveWorld.Counsellor, Related, FeedbackConcern);
        await world.PutStaffAsync(Leaver, LiveWorld.SchoolOrg, "School", "Teacher");
        using var principal = Host.As(LiveWorld.Principal);
        Objects["action"] = await CaseWorkIdAsync(principal, $"/api/v1/cases/{Objects["case-related"]}/plan/actions", LiveMatrixTests.Body("/plan/actions"));
        Objects["meeting"] = await CaseWorkIdAsync(principal, $"/api/v1/cases/{Objects["case-related"]}/meetings", LiveMatrixTests.Body("/meetings"));
        await LiveHost.WaitUntilAsync(async () => await Host.ScalarAsync("select count(*) from actor_grain_outbox") == 0, "all messages processed");
        Objects["alert-of-principal"] = (await Host.ScalarAsync("select min(id) from coord_alerts where staff_id = $1", LiveWorld.Principal.Staff))
            .ToString(CultureInfo.InvariantCulture);
    }

    private static async Task<string> CaseWorkIdAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body, Http.Token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Http.Token));
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Http.Token)).GetProperty("id").GetString()!;
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// Every row of live-access-matrix.csv (100 % must match), and that the two matrix files together cover every /api/v1
/// operation of the OpenAPI document: each with every token failure, each child or case endpoint with every role and object.
/// </summary>
public sealed class LiveMatrixTests(LiveMatrixFixture world) : IClassFixture<LiveMatrixFixture>
{
    private static readonly string[] Persons = ["principal", "counsellor", "teacher", "social-worker", "health-nurse", "coordinator", "other-municipality"];
    private static readonly string[] TokenFailures = ["no-token", "expired-token", "wrong-audience", "wrong-signature"];

    /// <summary>Another municipality's school system, staff member and administrator: none of them writes here.</summary>
    private static readonly string[] ForeignWriters = ["other-feed", "other-municipality", "other-admin"];

    /// <summary>The SS 12000 source the operator's rows register, read, change, sync and remove.</summary>
    private const string MatrixSource = "matrix-source";

    /// <summary>The writes that name a child in the body, not the path: each also with a child the caller has no relation to.</summary>
    private static readonly string[] ChildInBody = ["POST /api/v1/absences", "POST /api/v1/absences/batch", "POST /api/v1/concerns", "POST /api/v1/children", "POST /api/v1/roster/batch"];

    /// <summary>The school organisation's administrator and coordinator: they manage its webhooks.</summary>
    private static readonly TestPerson SchoolAdministrator = new("wanda", LiveWorld.SchoolOrg, LiveWorld.Municipality, "School", ["Administrator"], "12");
    private static readonly TestPerson SchoolCoordinator = new("konrad", LiveWorld.SchoolOrg, LiveWorld.Municipality, "School", ["Coordinator"], "12");

    private static readonly Dictionary<string, TestPerson> Callers = new(StringComparer.Ordinal)
    {
        ["principal"] = LiveWorld.Principal,
        ["counsellor"] = LiveWorld.Counsellor,
        ["teacher"] = new("tove", LiveWorld.SchoolOrg, LiveWorld.Municipality, "School", ["Teacher"], "12"),
        ["social-worker"] = LiveWorld.SocialWorker,
        ["health-nurse"] = LiveWorld.HealthNurse,
        ["coordinator"] = LiveWorld.Coordinator,
        ["other-municipality"] = LiveWorld.OtherMunicipality,
        ["reviewer"] = LiveWorld.Reviewer,
        ["school-admin"] = SchoolAdministrator,
        ["school-coordinator"] = SchoolCoordinator,
        ["regional-coordinator"] = new("rut", "org-region-12", LiveWorld.Municipality, "SocialServices", [Host.Security.SamverkanClaims.RegionalCoordinatorRole], "12"),
        ["feed"] = new("skolsystem", LiveWorld.SchoolOrg, LiveWorld.Municipality, "School", [], "12", Host.Security.SamverkanClaims.IngestScope),
        ["other-feed"] = new("skolsystem-0180", "org-0180-skola", "0180", "School", [], "01", Host.Security.SamverkanClaims.IngestScope),
        ["other-admin"] = new("oskar", "org-0180-skola", "0180", "School", ["Administrator"], "01"),
        ["operator"] = new("olof", "org-1280-kommun", LiveWorld.Municipality, "School", [Host.Security.SamverkanClaims.OperatorRole], "12"),
        ["other-operator"] = new("otto", "org-0180-kommun", "0180", "School", [Host.Security.SamverkanClaims.OperatorRole], "01"),
    };

    /// <summary>
    /// Every row, in file order (some rows write, and later rows rely on what earlier ones left: one test, so that the
    /// order is the file's). Every mismatching row is reported, with the answer's body.
    /// </summary>
    [Fact]
    public async Task LiveMatrix_EveryRowMatches()
    {
        var mismatches = new List<string>();
        var count = 0;
        foreach (var line in Lines("live-access-matrix.csv"))
        {
            var cells = line.Split(',');
            cells.Length.ShouldBe(4, line);
            var (endpoint, caller, obj, expected) = (cells[0], cells[1], cells[2], cells[3]);
            var parts = endpoint.Split(' ', 2);
            using var client = Client(caller);
            using var request = new HttpRequestMessage(new HttpMethod(parts[0]), Fill(parts[1], obj));
            if (parts[0] is "POST" or "PUT" && !parts[1].EndsWith("/deactivate", StringComparison.Ordinal))
            {
                request.Content = JsonContent.Create(Body(parts[1], obj));
            }

            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Http.Token);
            var status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            if (status != expected)
            {
                mismatches.Add($"{line} answered {status}: {await response.Content.ReadAsStringAsync(Http.Token)}");
            }

            count++;
        }

        mismatches.ShouldBeEmpty();
        count.ShouldBeGreaterThan(400);
    }

    [Fact]
    public async Task Matrices_CoverEveryApiOperation_WithEveryTokenFailure_AndChildAndCaseEndpointsWithEveryRoleAndObject()
    {
        using var anonymous = world.Host.CreateClient();
        var document = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json", Http.Token)).RootElement;
        var operations = document.GetProperty("paths").EnumerateObject()
            .Where(p => p.Name.StartsWith("/api/v1/", StringComparison.Ordinal))
            .SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name.ToUpperInvariant()} {Template(p.Name)}"))
            .ToList();
        var rows = Lines("live-access-matrix.csv").Select(l => l.Split(',')).Select(c => (Endpoint: c[0], Caller: c[1], Object: c[2])).ToList();
        var missing = new List<string>();
        foreach (var operation in operations)
        {
            var mine = rows.Where(r => r.Endpoint == operation).ToList();
            missing.AddRange(TokenFailures.Where(t => !mine.Any(r => r.Caller == t)).Select(t => $"{operation} × {t}"));
            string[] objects = operation.Contains("{child}", StringComparison.Ordinal) && !operation.Contains("/audit/", StringComparison.Ordinal)
                ? ["related", "unrelated", "other-municipality", "missing"]
                : operation.Contains("{case}", StringComparison.Ordinal) ? ["case-related", "case-unrelated", "case-other-municipality", "missing-case"] : [];
            missing.AddRange(
                from o in objects from p in Persons where !mine.Any(r => r.Caller == p && r.Object == o) select $"{operation} × {p} × {o}");
            if (!operation.StartsWith("GET ", StringComparison.Ordinal))
            {
                missing.AddRange(ForeignWriters.Where(w => !mine.Any(r => r.Caller == w)).Select(w => $"{operation} × {w} (a write)"));
            }

            if (ChildInBody.Contains(operation) && !mine.Any(r => r.Object is "unrelated" or "other-municipality" && !TokenFailures.Contains(r.Caller)))
            {
                missing.Add($"{operation} × a child without a relation (in the body)");
            }
        }

        missing.ShouldBeEmpty("add rows to live-access-matrix.csv for every new endpoint");
        operations.Count.ShouldBeGreaterThan(25);
    }

    internal static object ConsentBody(string id) => new
    {
        id,
        givenBy = new[] { new { kind = "Guardian", guardian = "guardian-ref-1" } },
        recipients = new[] { "org-somewhere" },
        categories = new[] { "Attendance" },
        purpose = "Authorization matrix (synthetic)",
    };

    internal static object Body(string path, string obj = "-") => path switch
    {
        // Writes that name the child in the body: the object is the child (and its school) the body names.
        _ when path.EndsWith("/absences", StringComparison.Ordinal) => AbsenceBody(obj),
        _ when path.EndsWith("/absences/batch", StringComparison.Ordinal) => new { items = new[] { AbsenceBody(obj) } },
        _ when path.EndsWith("/api/v1/concerns", StringComparison.Ordinal) => new
        {
            child = new { key = ChildOf(obj).Key },
            category = "Neglect",
            date = "2026-03-20",
            summary = "Authorization matrix (synthetic)",
            reporterRole = "Counsellor",
            externalReporterReference = "matrix-reporter",
        },
        _ when path.EndsWith("/api/v1/children", StringComparison.Ordinal) => ChildBody(obj),
        _ when path.EndsWith("/roster/batch", StringComparison.Ordinal) => new { children = new[] { ChildBody(obj) } },
        _ when path.EndsWith("/staff/{staffId}", StringComparison.Ordinal) =>
            new { id = "anna", displayName = "anna", organisation = LiveWorld.SchoolOrg, agency = "School", roles = new[] { "Principal" } },

        _ when path.EndsWith("/lead", StringComparison.Ordinal) => new { },
        _ when path.EndsWith("/plan/actions", StringComparison.Ordinal) =>
            new { what = "Authorization matrix (synthetic)", dueOn = "2026-05-29", organisation = LiveWorld.SchoolOrg, agency = "School" },
        _ when path.Contains("/plan/actions/", StringComparison.Ordinal) => new { status = "InProgress", progress = "Authorization matrix (synthetic)" },
        _ when path.EndsWith("/meetings", StringComparison.Ordinal) => new { at = LiveHost.Monday.AddDays(10), purpose = "Authorization matrix (synthetic)" },
        _ when path.EndsWith("/held", StringComparison.Ordinal) && path.Contains("/meetings/", StringComparison.Ordinal) => new
        {
            attendees = new[] { new { organisation = LiveWorld.SchoolOrg, agency = "School" } },
            decisions = new[] { "Authorization matrix (synthetic)" },
            planAgreed = false,
        },
        _ when path.EndsWith("/handover", StringComparison.Ordinal) => new { from = "ahmed", to = "sofia" },
        _ when path.EndsWith("/placement-follow-ups/held", StringComparison.Ordinal) => new { notes = "Authorization matrix (synthetic)" },
        _ when path.EndsWith("/feedback", StringComparison.Ordinal) => new { },
        _ when path.EndsWith("/sip", StringComparison.Ordinal) => new
        {
            consent = new
            {
                id = Guid.NewGuid().ToString("N"),
                givenBy = new[] { new { kind = "Guardian", guardian = "guardian-ref-1" } },
                recipients = new[] { LiveWorld.SchoolOrg, "org-region-12" },
                categories = new[] { "Attendance", "Health" },
                purpose = "Authorization matrix (synthetic)",
            },
            participants = new[] { "karin", "hanna" },
        },
        _ when path.Contains("/school-sync/sources", StringComparison.Ordinal) => new
        {
            id = MatrixSource,
            organisation = LiveWorld.SchoolOrg,
            baseUrl = "http://127.0.0.1:9/ss12000/v2.1/",
            oauth = new { tokenUrl = "http://127.0.0.1:9/oauth2/token", clientId = "matrix", clientSecret = "matrix-secret" },
            schoolUnits = new[] { "matrix-unit" },
            pollInterval = "01:00:00",
        },
        _ when path.Contains("/webhooks/", StringComparison.Ordinal) =>
            new { url = "http://127.0.0.1:9/matrix-hook", secret = new string('s', 40), enabled = false },
        _ when path.EndsWith("/consents", StringComparison.Ordinal) => ConsentBody(Guid.NewGuid().ToString("N")),
        _ when path.EndsWith("/decisions-not-to-share", StringComparison.Ordinal) =>
            new { recipients = new[] { "org-somewhere" }, categories = new[] { "Health" }, reason = "Authorization matrix (synthetic)" },
        _ when path.EndsWith("/outcome", StringComparison.Ordinal) => new { decision = "NotOpened" },
        _ when path.EndsWith("/transition", StringComparison.Ordinal) => new { to = "Open" },
        _ when path.EndsWith("/decision-not-to-act", StringComparison.Ordinal) => new { reason = "Authorization matrix (synthetic)" },

        // Roster writes as the world has them (a write that got through would change nothing, but answer 200).
        _ when path.EndsWith("/municipalities/{code}", StringComparison.Ordinal) => new { name = "Testkommun", regionCode = "12" },
        _ when path.EndsWith("/municipalities/{code}/calendar", StringComparison.Ordinal) => new { municipality = LiveWorld.Municipality },
        _ when path.EndsWith("/schools/{schoolId}", StringComparison.Ordinal) => new
        {
            id = LiveWorld.ProtectedSchool, name = LiveWorld.ProtectedSchoolName, municipality = LiveWorld.Municipality, kind = "Compulsory",
            organisation = LiveWorld.SchoolOrg, studentHealthTeam = "t-eht",
            socialServices = new { organisation = LiveWorld.SocialOrg, team = "t-soc", contactPersons = new[] { "sofia", "ahmed" } },
        },
        _ when path.EndsWith("/teams/{teamId}", StringComparison.Ordinal) => new
        {
            id = "t-eht", name = "t-eht", agency = "School", organisation = LiveWorld.SchoolOrg, municipality = LiveWorld.Municipality,
            members = new[] { new { staff = "anna", role = "Principal" }, new { staff = "karin", role = "Counsellor" } },
        },
        _ => new { },
    };

    /// <summary>The child an object names in a body, with its school and municipality as the world enrolled it.</summary>
    private static (string Key, string School, string Municipality) ChildOf(string obj) => obj switch
    {
        "unrelated" => (LiveWorld.OrdinaryChild, LiveWorld.OtherSchool, LiveWorld.Municipality),
        "other-municipality" => (LiveMatrixFixture.OtherMunicipalityChild, "s-0180", "0180"),
        "missing" => ("c_missingchildaaaaaaa", LiveWorld.ProtectedSchool, LiveWorld.Municipality),
        _ => (LiveMatrixFixture.Related, LiveWorld.ProtectedSchool, LiveWorld.Municipality),
    };

    /// <summary>A full day attended, on a school day the child was enrolled (a write that gets through changes no rule's outcome).</summary>
    private static object AbsenceBody(string obj)
    {
        var (key, school, _) = ChildOf(obj);
        return new
        {
            source = "matrix",
            sourceId = Guid.NewGuid().ToString("N"),
            pupil = new { key },
            school,
            date = "2026-03-16",
            offeredMinutes = 300,
            attendanceMinutes = 300,
            validAbsenceMinutes = 0,
            invalidAbsenceMinutes = 0,
            otherAttendanceMinutes = 0,
            reportedTimestamp = LiveHost.Monday.AddHours(-1),
        };
    }

    /// <summary>The child's roster entry exactly as the world has it (a write that gets through changes nothing).</summary>
    private static object ChildBody(string obj)
    {
        var (key, school, municipality) = ChildOf(obj);
        return new
        {
            child = new { key },
            homeMunicipality = municipality,
            enrolments = new[] { new { school, from = "2025-08-18" } },
            namedPerson = obj == "related" ? new { staff = "anna", agency = "School" } : null,
        };
    }

    private string Fill(string template, string obj) => template
        .Replace("{child}", world.Objects.GetValueOrDefault(obj, obj), StringComparison.Ordinal)
        .Replace("{case}", world.Objects.GetValueOrDefault(obj, obj), StringComparison.Ordinal)
        .Replace("{consent}", "matrix-consent", StringComparison.Ordinal)
        .Replace("{alert}", obj.StartsWith("alert-", StringComparison.Ordinal) ? world.Objects[obj] : "no-such-alert", StringComparison.Ordinal)
        .Replace("{concern}/feedback", $"{LiveMatrixFixture.FeedbackConcern}/feedback", StringComparison.Ordinal)
        .Replace("{staffId}/deactivate", $"{LiveMatrixFixture.Leaver}/deactivate", StringComparison.Ordinal)
        .Replace("{actionId}", world.Objects["action"], StringComparison.Ordinal)
        .Replace("{meetingId}", world.Objects["meeting"], StringComparison.Ordinal)
        .Replace("{organisation}", LiveWorld.SchoolOrg, StringComparison.Ordinal)
        .Replace("/sources/{id}", "/sources/" + MatrixSource, StringComparison.Ordinal)
        .Replace("{id}", LiveMatrixFixture.Webhook, StringComparison.Ordinal)
        .Replace("{concern}", "matrix-concern", StringComparison.Ordinal)
        .Replace("{code}", LiveWorld.Municipality, StringComparison.Ordinal)
        .Replace("{schoolId}", LiveWorld.ProtectedSchool, StringComparison.Ordinal)
        .Replace("{teamId}", "t-eht", StringComparison.Ordinal)
        .Replace("{staffId}", "anna", StringComparison.Ordinal)
        .TrimEnd('/');

    /// <summary>The OpenAPI path in the matrix's spelling: {childKey} → {child}, {caseId} → {case}, {consentId} → {consent}, {concernId} → {concern}.</summary>
    private static string Template(string path) => path
        .Replace("{childKey}", "{child}", StringComparison.Ordinal)
        .Replace("{caseId}", "{case}", StringComparison.Ordinal)
        .Replace("{consentId}", "{consent}", StringComparison.Ordinal)
        .Replace("{concernId}", "{concern}", StringComparison.Ordinal)
        .TrimEnd('/');

    private HttpClient Client(string caller)
    {
        var idp = world.Host.Idp;
        var counsellor = LiveWorld.Counsellor;
        var client = world.Host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var token = caller switch
        {
            "no-token" => null,
            "expired-token" => idp.Token(counsellor, notBefore: DateTime.UtcNow.AddHours(-3), lifetime: TimeSpan.FromHours(1)),
            "wrong-audience" => idp.Token(counsellor, audience: "another-service", notBefore: DateTime.UtcNow.AddYears(-2), lifetime: TimeSpan.FromDays(1500)),
            "wrong-signature" => idp.Token(counsellor, key: idp.ForgedKey, notBefore: DateTime.UtcNow.AddYears(-2), lifetime: TimeSpan.FromDays(1500)),
            _ => null,
        };
        if (Callers.TryGetValue(caller, out var person))
        {
            return world.Host.As(person);
        }

        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private static IEnumerable<string> Lines(string file) =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, file))
            .Where(line => line.Length > 0 && !line.StartsWith('#') && !line.StartsWith("endpoint,", StringComparison.Ordinal));
}
