using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Samverkan.Host.Api;
using Samverkan.Testing;

namespace Samverkan.SchoolSync.Tests;

/// <summary>The real host (<see cref="ApiTestHost"/>) with one SS 12000 source configured: the double's two school units.</summary>
internal sealed class SchoolSyncHost : ApiTestHost
{
    public const string SourceName = "skolsystem";

    private readonly string _numbersFile;

    private SchoolSyncHost(TestDatabase database, ManualTimeProvider time, Dictionary<string, string> settings, string numbersFile)
        : base(database, time, settings: settings) => _numbersFile = numbersFile;

    /// <summary>
    /// Starts the host; with <paramref name="configured"/> false, without the configured source <see cref="SourceName"/>
    /// (sources come through the API only); <paramref name="configure"/> changes the settings (keys as in configuration).
    /// </summary>
    public static async Task<SchoolSyncHost> StartAsync(
        PostgresServerFixture postgres, Ss12000Double source, int maxAttempts = 6, bool configured = true, Action<Dictionary<string, string>>? configure = null)
    {
        var numbersFile = Path.Combine(Path.GetTempPath(), $"samverkan-sync-numbers-{Guid.NewGuid():N}.txt");
        await File.WriteAllLinesAsync(numbersFile, SchoolData.TestNumbers, TestContext.Current.CancellationToken);
        var prefix = "Samverkan:SchoolSync:Sources:0:";
        var settings = new Dictionary<string, string>
        {
            ["Samverkan:Identity:TestNumbersFile"] = numbersFile,
            ["Samverkan:SchoolSync:PageSize"] = "7",
            ["Samverkan:SchoolSync:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Samverkan:SchoolSync:InitialBackoff"] = "00:00:00.050",
            ["Samverkan:SchoolSync:MaxBackoff"] = "00:00:03",
            [prefix + "Name"] = SourceName,
            [prefix + "Municipality"] = SchoolData.Municipality,
            [prefix + "Organisation"] = SchoolData.Organisation,
            [prefix + "BaseUrl"] = source.BaseUrl.ToString(),
            [prefix + "TokenUrl"] = source.TokenUrl.ToString(),
            [prefix + "ClientId"] = Ss12000Double.ClientId,
            [prefix + "ClientSecret"] = Ss12000Double.ClientSecret,
            [prefix + "SchoolUnits:0"] = SchoolData.Björkskolan,
            [prefix + "SchoolUnits:1"] = SchoolData.Ekskolan,
            [prefix + "PollInterval"] = "01:00:00",
        };
        if (!configured)
        {
            foreach (var key in settings.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
            {
                settings.Remove(key);
            }
        }

        configure?.Invoke(settings);
        var database = await postgres.CreateDatabaseAsync();
        var host = new SchoolSyncHost(database, new ManualTimeProvider(SchoolData.Now), settings, numbersFile);
        _ = host.Server; // Start now: migrations, actor node, silo.

        // The municipality is registered by its administrators (SS 12000 does not carry it).
        using var feed = host.ClientWithToken(host.Tokens.Feed("skolsystem", SchoolData.Organisation, SchoolData.Municipality, "School"));
        var response = await feed.PutAsJsonAsync($"/api/v1/municipalities/{SchoolData.Municipality}", new { name = "Testkommun", regionCode = "12" }, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return host;
    }

    /// <summary>Every log line of the host, at every level.</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
    }

    /// <summary>A client of an IT operator (role Operator) of <paramref name="municipality"/>.</summary>
    public HttpClient Operator(string municipality = SchoolData.Municipality) =>
        ClientWithToken(Tokens.Person("olof.drift-" + municipality, "org-" + municipality + "-kommun", municipality, "School", "Operator"));

    public Task<SyncRunResult> SyncAsync() => Services.GetRequiredService<IGrainFactory>().GetGrain<ISchoolSyncGrain>(SourceName).SyncNowAsync();

    /// <summary>The key the host derives from a pupil's civic number (as the roster API does).</summary>
    public string KeyOf(SchoolData.Pupil pupil)
    {
        var (key, error) = Services.GetRequiredService<ChildIdentity>().Resolve(new ChildReference(pupil.CivicNo, null), "child");
        error.ShouldBeNull();
        return key!.Value.Value;
    }

    /// <summary>Absence registrations the children's actors hold (each source id once per child).</summary>
    public Task<long> StoredAttendancesAsync() => ScalarAsync("""
        select coalesce(sum(jsonb_array_length(d -> 'e')), 0)::bigint
          from actor_grain_state s, jsonb_array_elements(s.state -> 'absence' -> 'days') d
         where s.actor_type = 'child'
        """);

    /// <summary>Waits until every message the sync sent was processed by its actor.</summary>
    public Task SettledAsync() => WaitUntilAsync(async () => await ScalarAsync("select count(*) from actor_grain_outbox") == 0, "all messages delivered");

    public Task<string?> WatermarkAsync(string kind) =>
        TextAsync("select watermark::text from school_sync_watermarks where source = $1 and kind = $2", SourceName, kind);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(_numbersFile);
    }
}
