using Samverkan.Domain.Common;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Organisation;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>
/// The real host with its actors on a fresh database and a manual clock, and a small municipality loaded through the
/// roster API (not written into the read models): what the feature endpoints, the alert stream and the culling job see.
/// Municipality 1280 (region 12): Skyddsskolan (s-skydd, student-health team t-eht: anna, karin; social-services
/// contacts sofia, ahmed) where only the protected child goes, and Björkskolan (s-bjork, t-eht2: nora; contact ahmed).
/// </summary>
internal sealed class LiveHost : WebApplicationFactory<Program>
{
    // Monday 23 March 2026, 08:00 in Sweden: a school day in the spring term.
    public static readonly DateTimeOffset Monday = new(2026, 3, 23, 7, 0, 0, TimeSpan.Zero);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly TestDatabase _database;
    private readonly IReadOnlyDictionary<string, string?> _settings;

    private LiveHost(TestDatabase database, ManualTimeProvider time, IReadOnlyDictionary<string, string?> settings)
    {
        _database = database;
        _settings = settings;
        Time = time;
    }

    public ManualTimeProvider Time { get; }

    public TestIdentityProvider Idp { get; } = new();

    public NpgsqlDataSource Database => _database.DataSource;

    /// <summary>Log lines of the host at Information and above (category: message), for tests of what is logged.</summary>
    public List<string> Logs { get; } = [];

    public static async Task<LiveHost> StartAsync(PostgresServerFixture postgres, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        var host = new LiveHost(database, new ManualTimeProvider(Monday), settings ?? new Dictionary<string, string?>());
        _ = host.Server;
        return host;
    }

    /// <summary>A client with a token valid around real time and the test clock alike.</summary>
    public HttpClient As(TestPerson person)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var token = Idp.Token(person, notBefore: DateTime.UtcNow.AddYears(-2), lifetime: TimeSpan.FromDays(365 * 4));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public Task<long> ScalarAsync(string sql, params object[] parameters) => Database.ScalarAsync(sql, parameters, Http.Token);

    public static Task WaitUntilAsync(Func<Task<bool>> condition, string what) =>
        DatabaseQueries.WaitUntilAsync(condition, what, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50), null, Http.Token);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Samverkan", _database.ConnectionString);
        builder.UseSetting("Samverkan:Identity:PseudonymSecret", Convert.ToBase64String(new byte[48]));
        builder.UseSetting("Samverkan:Demo:Enabled", "false");
        builder.UseSetting("Samverkan:RateLimits:Enabled", "false");
        foreach (var (key, value) in Idp.Settings())
        {
            builder.UseSetting(key, value);
        }

        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton(new ServiceClock(Time)));
        builder.ConfigureLogging(logging =>
        {
            logging.AddProvider(new ListLoggerProvider(Logs));
            if (TestContext.Current.TestOutputHelper is { } output)
            {
                logging.AddProvider(new TestOutputLoggerProvider(output, LogLevel.Warning));
            }
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
        Idp.Dispose();
    }

    private sealed class ListLoggerProvider(List<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines, categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class ListLogger(List<string> lines, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lock (lines)
                {
                    lines.Add($"{category}: {formatter(state, exception)}");
                }
            }
        }
    }
}

/// <summary>The people and places of <see cref="LiveHost"/>'s municipality, loaded through the roster API.</summary>
internal sealed class LiveWorld(LiveHost host)
{
    public const string Municipality = "1280";
    public const string ProtectedSchool = "s-skydd";
    public const string ProtectedSchoolName = "Skyddsskolan";
    public const string PlacingMunicipality = "1299";
    public const string OtherSchool = "s-bjork";
    public const string SchoolOrg = "org-1280-skola";
    public const string OtherSchoolOrg = "org-1280-skola2";
    public const string SocialOrg = "org-1280-soc";

    /// <summary>The protected child (Skyddsskolan, placed in care by 1299, named person anna) and an ordinary one (Björkskolan).</summary>
    public const string ProtectedChild = "c_protectedlivechilda";
    public const string OrdinaryChild = "c_ordinarylivechildaa";

    public static readonly TestPerson Principal = new("anna", SchoolOrg, Municipality, "School", ["Principal"], "12");
    public static readonly TestPerson Counsellor = new("karin", SchoolOrg, Municipality, "School", ["Counsellor"], "12");
    public static readonly TestPerson SocialWorker = new("sofia", SocialOrg, Municipality, "SocialServices", ["SocialWorker"], "12");
    public static readonly TestPerson OtherSchoolNurse = new("nora", OtherSchoolOrg, Municipality, "School", ["SchoolNurse"], "12");
    public static readonly TestPerson HealthNurse = new("hanna", "org-region-12", Municipality, "ChildHealthCentre", ["Nurse"], "12");
    public static readonly TestPerson Coordinator = new("kim", "org-1280-kommun", Municipality, "School", ["Coordinator"], "12");
    public static readonly TestPerson OtherMunicipality = new("olle", "org-0180-skola", "0180", "School", ["Counsellor"], "01");
    public static readonly TestPerson Reviewer = new("rita", "org-1280-kommun", Municipality, "SocialServices", ["AuditReviewer"], "12");

    /// <summary>Every role the scans call as, by name.</summary>
    public static readonly IReadOnlyDictionary<string, TestPerson> People = new Dictionary<string, TestPerson>
    {
        ["principal"] = Principal,
        ["counsellor"] = Counsellor,
        ["social-worker"] = SocialWorker,
        ["other-school-nurse"] = OtherSchoolNurse,
        ["health-nurse"] = HealthNurse,
        ["coordinator"] = Coordinator,
        ["other-municipality"] = OtherMunicipality,
        ["reviewer"] = Reviewer,
    };

    /// <summary>Björkskolan's organiser's school system.</summary>
    public static readonly TestPerson OtherSchoolFeed = new("skolsystem2", OtherSchoolOrg, Municipality, "School", [], "12", Host.Security.SamverkanClaims.IngestScope);

    public HttpClient Feed { get; } = host.As(new TestPerson("skolsystem", SchoolOrg, Municipality, "School", [], "12", Host.Security.SamverkanClaims.IngestScope));

    public async Task SetUpAsync()
    {
        await PutAsync($"/api/v1/municipalities/{Municipality}", new { name = "Testkommun", regionCode = "12" });
        foreach (var (id, org, agency, role) in new[]
                 {
                     ("anna", SchoolOrg, "School", "Principal"), ("karin", SchoolOrg, "School", "Counsellor"),
                     ("sofia", SocialOrg, "SocialServices", "SocialWorker"), ("ahmed", SocialOrg, "SocialServices", "SocialWorker"),
                     ("nora", OtherSchoolOrg, "School", "SchoolNurse"), ("hanna", "org-region-12", "ChildHealthCentre", "Nurse"),
                 })
        {
            await PutAsync($"/api/v1/staff/{id}", new { id, displayName = id, organisation = org, agency, roles = new[] { role } });
        }

        await PutTeamAsync("t-eht", "School", SchoolOrg, ("anna", "Principal"), ("karin", "Counsellor"));
        await PutTeamAsync("t-eht2", "School", OtherSchoolOrg, ("nora", "SchoolNurse"));
        await PutTeamAsync("t-soc", "SocialServices", SocialOrg, ("sofia", "SocialWorker"), ("ahmed", "SocialWorker"));
        await PutAsync($"/api/v1/schools/{ProtectedSchool}", new
        {
            id = ProtectedSchool, name = ProtectedSchoolName, municipality = Municipality, kind = "Compulsory", organisation = SchoolOrg,
            studentHealthTeam = "t-eht",
            socialServices = new { organisation = SocialOrg, team = "t-soc", contactPersons = new[] { "sofia", "ahmed" } },
        });
        await PutAsync($"/api/v1/schools/{OtherSchool}", new
        {
            id = OtherSchool, name = "Björkskolan", municipality = Municipality, kind = "Compulsory", organisation = OtherSchoolOrg,
            studentHealthTeam = "t-eht2",
            socialServices = new { organisation = SocialOrg, team = "t-soc", contactPersons = new[] { "sofia", "ahmed" } },
        });
    }

    /// <summary>Enrols <paramref name="key"/> at <paramref name="school"/> since the school year began, with anna as named person.</summary>
    public async Task EnrolAsync(string key, string school, bool protectedIdentity = false, string? namedPerson = "anna")
    {
        var response = await Feed.PostAsJsonAsync("/api/v1/children", new
        {
            child = new { key },
            homeMunicipality = Municipality,
            enrolments = new[] { new { school, from = "2025-08-18" } },
            namedPerson = namedPerson is null ? null : new { staff = namedPerson, agency = "School" },
            protectedIdentity,
            placedInCare = protectedIdentity ? new { placingMunicipality = PlacingMunicipality, from = "2025-09-01" } : null,
        }, Http.Token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Http.Token));
    }

    /// <summary>The child is away all day on 6 of the last 20 school days: the 20 % rule opens an absence case.</summary>
    public async Task<string> OpenAbsenceCaseAsync(string key, string school)
    {
        var calendar = SchoolCalendar.SwedishDefault(new MunicipalityCode(Municipality), 2024, 2026);
        var today = SwedishTime.DateOf(host.Time.GetUtcNow());
        var days = calendar.LastSchoolDays(today.AddDays(-1), 20);
        var items = days.Select((day, i) => (object)new
        {
            source = "skolsystem",
            sourceId = $"{key}-{day:yyyyMMdd}",
            pupil = new { key },
            school,
            date = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            offeredMinutes = 300,
            attendanceMinutes = i >= days.Length - 6 ? 0 : 300,
            validAbsenceMinutes = i >= days.Length - 6 ? 300 : 0,
            invalidAbsenceMinutes = 0,
            otherAttendanceMinutes = 0,
            reportedTimestamp = host.Time.GetUtcNow().AddHours(-1),
        }).ToArray();
        // Absence comes from the school organiser's own system (a feed ingests for its own organisation's school units only).
        using var feed = school == OtherSchool ? host.As(OtherSchoolFeed) : null;
        var response = await (feed ?? Feed).PostAsJsonAsync("/api/v1/absences/batch", new { items }, Http.Token);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(Http.Token));
        // A placed child also has its follow-up case (opened by the roster): wait for the absence case itself.
        const string Absence = "child_key = $1 and kind <> 'PlacedChildFollowUp'";
        await LiveHost.WaitUntilAsync(async () => await host.ScalarAsync($"select count(*) from coord_cases where {Absence}", key) == 1, "the case");
        await using var command = host.Database.CreateCommand($"select case_id from coord_cases where {Absence}");
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        return (string)(await command.ExecuteScalarAsync(Http.Token))!;
    }

    /// <summary>A report of concern about <paramref name="key"/> by <paramref name="reporter"/>; answers the concern id.</summary>
    public async Task<string> ReportConcernAsync(TestPerson reporter, string key, string? id = null)
    {
        using var client = host.As(reporter);
        var response = await client.PostAsJsonAsync("/api/v1/concerns", new
        {
            id,
            child = new { key },
            category = "Neglect",
            date = SwedishTime.DateOf(host.Time.GetUtcNow()).AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            summary = "Test concern (synthetic).",
        }, Http.Token);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Http.Token));
        var concernId = (await response.Content.ReadFromJsonAsync<JsonElement>(Http.Token)).GetProperty("concernId").GetString()!;
        await LiveHost.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_concerns where concern_id = $1", concernId) == 1, "the concern");
        return concernId;
    }

    private Task PutTeamAsync(string id, string agency, string organisation, params (string Staff, string Role)[] members) =>
        PutAsync($"/api/v1/teams/{id}", new
        {
            id, name = id, agency, organisation, municipality = Municipality,
            members = members.Select(m => new { staff = m.Staff, role = m.Role }).ToArray(),
        });

    /// <summary>Municipality 0180 (region 01) with its own feed: school s-0180 whose student-health team is olle's; a child there.</summary>
    public async Task SetUpOtherMunicipalityAsync(string childKey)
    {
        using var feed = host.As(new TestPerson("skolsystem-0180", "org-0180-skola", "0180", "School", [], "01", Host.Security.SamverkanClaims.IngestScope));
        async Task Put(string path, object body)
        {
            var response = await feed.PutAsJsonAsync(path, body, Http.Token);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{path}: {await response.Content.ReadAsStringAsync(Http.Token)}");
        }

        await Put("/api/v1/municipalities/0180", new { name = "Annan kommun", regionCode = "01" });
        await Put("/api/v1/staff/olle", new { id = "olle", displayName = "olle", organisation = "org-0180-skola", agency = "School", roles = new[] { "Counsellor" } });
        await Put("/api/v1/teams/t-0180", new
        {
            id = "t-0180", name = "t-0180", agency = "School", organisation = "org-0180-skola", municipality = "0180",
            members = new[] { new { staff = "olle", role = "Counsellor" } },
        });
        await Put("/api/v1/schools/s-0180", new
        {
            id = "s-0180", name = "Annanskolan", municipality = "0180", kind = "Compulsory", organisation = "org-0180-skola", studentHealthTeam = "t-0180",
        });
        var child = await feed.PostAsJsonAsync("/api/v1/children", new
        {
            child = new { key = childKey },
            homeMunicipality = "0180",
            enrolments = new[] { new { school = "s-0180", from = "2025-08-18" } },
        }, Http.Token);
        child.StatusCode.ShouldBe(HttpStatusCode.OK, await child.Content.ReadAsStringAsync(Http.Token));
        var calendar = SchoolCalendar.SwedishDefault(new MunicipalityCode("0180"), 2024, 2026);
        var days = calendar.LastSchoolDays(SwedishTime.DateOf(host.Time.GetUtcNow()).AddDays(-1), 20);
        var items = days.Select((day, i) => (object)new
        {
            source = "skolsystem-0180",
            sourceId = $"{childKey}-{day:yyyyMMdd}",
            pupil = new { key = childKey },
            school = "s-0180",
            date = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            offeredMinutes = 300,
            attendanceMinutes = i >= days.Length - 6 ? 0 : 300,
            validAbsenceMinutes = i >= days.Length - 6 ? 300 : 0,
            invalidAbsenceMinutes = 0,
            otherAttendanceMinutes = 0,
            reportedTimestamp = host.Time.GetUtcNow().AddHours(-1),
        }).ToArray();
        var absences = await feed.PostAsJsonAsync("/api/v1/absences/batch", new { items }, Http.Token);
        absences.StatusCode.ShouldBe(HttpStatusCode.Accepted, await absences.Content.ReadAsStringAsync(Http.Token));
        await LiveHost.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_cases where child_key = $1", childKey) == 1, "the case in 0180");
    }

    /// <summary>A staff member of the roster (so that the access rules see them as active).</summary>
    public Task PutStaffAsync(string id, string organisation, string agency, string role) =>
        PutAsync($"/api/v1/staff/{id}", new { id, displayName = id, organisation, agency, roles = new[] { role } });

    private async Task PutAsync(string path, object body)
    {
        var response = await Feed.PutAsJsonAsync(path, body, Http.Token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{path}: {await response.Content.ReadAsStringAsync(Http.Token)}");
    }
}
