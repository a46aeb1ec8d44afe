using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Samverkan.Testing;

namespace Samverkan.Coordination.Tests;

/// <summary>
/// The real host in memory on a fresh database, with a test identity provider, test identity numbers and a manual clock.
/// </summary>
internal sealed class CoordinationHost : WebApplicationFactory<Program>
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly TestDatabase _database;
    private readonly string _testNumbersFile;

    private CoordinationHost(TestDatabase database, ManualTimeProvider time)
    {
        _database = database;
        Time = time;
        _testNumbersFile = Path.Combine(Path.GetTempPath(), $"samverkan-test-numbers-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(_testNumbersFile, TestNumbers);
    }

    /// <summary>Synthetic 12-digit numbers with valid check digits, configured as this test environment's test-number series.</summary>
    public static string[] TestNumbers { get; } = ["201408152393", "201512242395", "201103309819"];

    public ManualTimeProvider Time { get; }

    public TestTokens Tokens { get; } = new();

    public NpgsqlDataSource Database => _database.DataSource;

    public static async Task<CoordinationHost> StartAsync(PostgresServerFixture postgres, DateTimeOffset now)
    {
        var database = await postgres.CreateDatabaseAsync();
        var host = new CoordinationHost(database, new ManualTimeProvider(now));
        _ = host.Server; // Start now: migrations, actor node.
        return host;
    }

    public HttpClient ClientWithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public Task<long> ScalarAsync(string sql, params object[] parameters) =>
        Database.ScalarAsync(sql, parameters, TestContext.Current.CancellationToken);

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<T>(Json, TestContext.Current.CancellationToken))!;

    public Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        DatabaseQueries.WaitUntilAsync(condition, what, timeout ?? TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50), DiagnosticsAsync, TestContext.Current.CancellationToken);

    /// <summary>What the runtime holds: dead letters, pending messages, actor states (for a failing test's message).</summary>
    public Task<string> DiagnosticsAsync() => Database.ActorDiagnosticsAsync();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Samverkan", _database.ConnectionString);
        builder.UseSetting("Samverkan:Authentication:Issuer", TestTokens.Issuer);
        builder.UseSetting("Samverkan:Authentication:Audience", TestTokens.Audience);
        builder.UseSetting("Samverkan:Authentication:Jwks", Tokens.Jwks);
        builder.UseSetting("Samverkan:Identity:PseudonymSecret", Convert.ToBase64String(new byte[48]));
        builder.UseSetting("Samverkan:Identity:TestNumbersFile", _testNumbersFile);
        builder.UseSetting("Samverkan:Actors:PartitionCount", "8");
        builder.UseSetting("Samverkan:Actors:PollInterval", "00:00:00.200");
        builder.UseSetting("Samverkan:RateLimits:Enabled", "false");
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Time));
        if (TestContext.Current.TestOutputHelper is { } output)
        {
            builder.ConfigureLogging(logging => logging.AddProvider(new TestOutputLoggerProvider(output, LogLevel.Warning)));
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
        Tokens.Dispose();
        File.Delete(_testNumbersFile);
    }
}
