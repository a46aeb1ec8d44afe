using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Samverkan.Domain.Common;
using Xunit;

namespace Samverkan.Testing;

/// <summary>
/// The real host in memory on a fresh database, with a test identity provider, test identity numbers and a manual
/// clock, and what the end-to-end tests ask of it. A second node of the same deployment shares the database, clock
/// and identity provider of the first (pass its <see cref="TestDatabase"/> and <see cref="Tokens"/>); the first owns them.
/// </summary>
public abstract class ApiTestHost : WebApplicationFactory<Program>
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly string _testNumbersFile;
    private readonly bool _ownsDatabase;
    private readonly string _environment;
    private readonly IReadOnlyDictionary<string, string> _settings;

    /// <param name="database">The host's database (a fresh one per test).</param>
    /// <param name="time">The clock the host's actors and timers see.</param>
    /// <param name="tokens">The identity provider of the node this one joins; null for a first node, which owns its database and provider.</param>
    /// <param name="environment">The ASP.NET Core environment (Testing, or Production for what only that may do).</param>
    /// <param name="settings">Configuration on top of the common test settings (later keys win).</param>
    protected ApiTestHost(
        TestDatabase database, ManualTimeProvider time, TestTokens? tokens = null, string environment = "Testing", IReadOnlyDictionary<string, string>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        TestDatabase = database;
        Time = time;
        _ownsDatabase = tokens is null;
        Tokens = tokens ?? new TestTokens();
        _environment = environment;
        _settings = settings ?? new Dictionary<string, string>();
        _testNumbersFile = Path.Combine(Path.GetTempPath(), $"samverkan-test-numbers-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(_testNumbersFile, TestNumbers);
    }

    /// <summary>Synthetic 12-digit numbers with valid check digits, configured as this test environment's test-number series.</summary>
    public static string[] TestNumbers { get; } = ["201408152393", "201512242395", "201103309819"];

    public ManualTimeProvider Time { get; }

    public TestTokens Tokens { get; }

    public TestDatabase TestDatabase { get; }

    public NpgsqlDataSource Database => TestDatabase.DataSource;

    public HttpClient ClientWithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public Task<long> ScalarAsync(string sql, params object[] parameters) =>
        Database.ScalarAsync(sql, parameters, TestContext.Current.CancellationToken);

    public Task<string?> TextAsync(string sql, params object[] parameters) =>
        Database.TextAsync(sql, parameters, TestContext.Current.CancellationToken);

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return (await response.Content.ReadFromJsonAsync<T>(Json, TestContext.Current.CancellationToken))!;
    }

    /// <summary>Polls <paramref name="condition"/>; the default budget holds on a loaded 2-core machine.</summary>
    public Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        DatabaseQueries.WaitUntilAsync(condition, what, timeout ?? TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(50), DiagnosticsAsync, TestContext.Current.CancellationToken);

    /// <summary>What the runtime holds: dead letters, pending messages, actor states (for a failing test's message).</summary>
    public Task<string> DiagnosticsAsync() => Database.ActorDiagnosticsAsync();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment(_environment);
        builder.UseSetting("ConnectionStrings:Samverkan", TestDatabase.ConnectionString);
        builder.UseSetting("Samverkan:Authentication:Issuer", TestTokens.Issuer);
        builder.UseSetting("Samverkan:Authentication:Audience", TestTokens.Audience);
        builder.UseSetting("Samverkan:Authentication:Jwks", Tokens.Jwks);
        builder.UseSetting("Samverkan:Identity:PseudonymSecret", Convert.ToBase64String(new byte[48]));
        builder.UseSetting("Samverkan:Identity:TestNumbersFile", _testNumbersFile);
        builder.UseSetting("Samverkan:RateLimits:Enabled", "false");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton(new ServiceClock(Time)));
        if (TestContext.Current.TestOutputHelper is { } output)
        {
            builder.ConfigureLogging(logging => logging.AddProvider(new TestOutputLoggerProvider(output, LogLevel.Warning)));
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase)
        {
            await TestDatabase.DisposeAsync();
            Tokens.Dispose();
        }

        File.Delete(_testNumbersFile);
    }
}
