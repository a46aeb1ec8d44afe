using Samverkan.Domain.Common;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Organisation;
using Samverkan.Host.Demo;
using Samverkan.Host.Security;
using Samverkan.Testing;

namespace Samverkan.Browser.Tests;

/// <summary>
/// The real host on a free Kestrel port (a real browser needs a real socket), in Development (demo sign-in and demo
/// municipality) on a fresh database, with an injected clock that starts at the current time and stands still; or, with
/// <see cref="StartWithSignInAsync"/>, outside Development (Staging, no demo data) signing in through an OpenID Connect provider.
/// </summary>
internal sealed class DashboardHost : WebApplicationFactory<Program>
{
    /// <summary>The cases the demo's absence history opens.</summary>
    private const int DemoCases = 3;

    private readonly TestDatabase _database;
    private readonly int _port;
    private readonly string _environment;
    private readonly IReadOnlyDictionary<string, string?> _settings;

    private DashboardHost(TestDatabase database, ManualTimeProvider time, int port, string environment, IReadOnlyDictionary<string, string?> settings)
    {
        _database = database;
        Time = time;
        _port = port;
        _environment = environment;
        _settings = settings;
    }

    public ManualTimeProvider Time { get; }

    public int Port => _port;

    public string BaseUrl => $"http://127.0.0.1:{_port}";

    public NpgsqlDataSource Database => _database.DataSource;

    /// <summary>Starts the host and waits until the demo data is loaded and processed.</summary>
    public static async Task<DashboardHost> StartAsync(PostgresServerFixture postgres)
    {
        var database = await postgres.CreateDatabaseAsync();
        var host = new DashboardHost(database, new ManualTimeProvider(DateTimeOffset.UtcNow), FreePort.Next(), "Development", new Dictionary<string, string?>());
        host.UseKestrel(host._port);
        host.StartServer();
        // The demo's 60 children, and the cases their absence history opens (pupils 1 to 3 of Norrskolan), all processed.
        await host.WaitUntilAsync(
            async () => await host.ScalarAsync("select count(*) from coord_children") == 60
                && await host.ScalarAsync("select count(*) from coord_cases") >= DemoCases
                && await host.ScalarAsync("select count(*) from actor_grain_outbox") == 0,
            "the demo data", TimeSpan.FromSeconds(90));
        return host;
    }

    /// <summary>
    /// The host in Staging on <paramref name="port"/> (the provider's client was registered with its URLs), signing in
    /// through the provider whose <paramref name="settings"/> are given; no demo data, no Development sign-in.
    /// </summary>
    public static async Task<DashboardHost> StartWithSignInAsync(PostgresServerFixture postgres, int port, IReadOnlyDictionary<string, string?> settings)
    {
        var database = await postgres.CreateDatabaseAsync();
        var host = new DashboardHost(database, new ManualTimeProvider(DateTimeOffset.UtcNow), port, "Staging", settings);
        host.UseKestrel(host._port);
        host.StartServer();
        return host;
    }

    /// <summary>An HTTP client to the Kestrel port with a demo bearer token for <paramref name="staff"/> (from <c>POST /dev/token</c>).</summary>
    public async Task<HttpClient> ClientForAsync(string staff)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        var response = await client.PostAsJsonAsync("/dev/token", new { user = staff }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("access_token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>The demo school system's feed (a machine client of the school organisation), with a token of the demo issuer.</summary>
    public HttpClient Feed()
    {
        var issuer = Services.GetRequiredService<DevelopmentTokenIssuer>();
        var token = issuer.Issue(new DevUser
        {
            Staff = "skolsystem", Name = "skolsystem", Organisation = DemoData.SchoolOrganisation.Value, Municipality = DemoData.Municipality.Value,
            Agency = nameof(Agency.School), Scope = "samverkan.ingest",
        });
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>The last <paramref name="days"/> school days before today at <paramref name="school"/>; whole days away on the last <paramref name="absentDays"/>.</summary>
    public object[] Registrations(string key, string school, int days, int absentDays)
    {
        var calendar = SchoolCalendar.SwedishDefault(DemoData.Municipality, Time.GetUtcNow().Year - 2, Time.GetUtcNow().Year + 1);
        var today = SwedishTime.DateOf(Time.GetUtcNow());
        var schoolDays = calendar.LastSchoolDays(today.AddDays(-1), days);
        return [.. schoolDays.Select((day, i) =>
        {
            var absent = i >= schoolDays.Length - absentDays;
            return (object)new
            {
                source = "skolsystem",
                sourceId = $"{key}-{day:yyyyMMdd}",
                pupil = new { key },
                school,
                date = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                offeredMinutes = 300,
                attendanceMinutes = absent ? 0 : 300,
                validAbsenceMinutes = absent ? 300 : 0,
                invalidAbsenceMinutes = 0,
                otherAttendanceMinutes = 0,
                reportedTimestamp = Time.GetUtcNow().AddHours(-1),
            };
        })];
    }

    public Task<long> ScalarAsync(string sql, params object[] parameters) =>
        Database.ScalarAsync(sql, parameters, TestContext.Current.CancellationToken);

    public Task<string?> TextAsync(string sql, params object[] parameters) =>
        Database.TextAsync(sql, parameters, TestContext.Current.CancellationToken);

    public async Task<List<string>> TextsAsync(string sql)
    {
        await using var command = Database.CreateCommand(sql);
        var result = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }

    public Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        DatabaseQueries.WaitUntilAsync(condition, what, timeout ?? TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100), null, TestContext.Current.CancellationToken);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);

        // The framework's script from the build's static web assets, as Development does by itself (not published here).
        builder.UseStaticWebAssets();
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseSetting("ConnectionStrings:Samverkan", _database.ConnectionString);
        builder.UseSetting("Samverkan:Identity:PseudonymSecret", Convert.ToBase64String(new byte[48]));
        builder.UseSetting("Samverkan:RateLimits:Enabled", "false");
        builder.ConfigureServices(services => services.AddSingleton(new ServiceClock(Time)));
        if (TestContext.Current.TestOutputHelper is { } output)
        {
            builder.ConfigureLogging(logging => logging.AddProvider(new TestOutputLoggerProvider(output, LogLevel.Warning)));
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>Signs <paramref name="staff"/> in through the Development sign-in page, in a new page of <paramref name="context"/>.</summary>
    public async Task<Microsoft.Playwright.IPage> SignInAsync(Microsoft.Playwright.IBrowserContext context, string staff)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(BaseUrl + "/");
        await page.Locator("tr", new() { HasText = staff }).GetByRole(Microsoft.Playwright.AriaRole.Button).ClickAsync();
        await page.WaitForURLAsync(BaseUrl + "/");
        await Microsoft.Playwright.Assertions.Expect(page.Locator("main h1")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        return page;
    }
}
