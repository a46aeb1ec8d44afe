using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Samverkan.Abstractions;
using Samverkan.Host.Telemetry;
using Samverkan.Postgres;
using Samverkan.Testing;

namespace Samverkan.Host.Tests;

public sealed class HostTests(PostgresServerFixture postgres)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Host_BootsMigratesAndIsReady()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = new SamverkanHostFactory(database.ConnectionString);
        using var client = factory.CreateClient();

        var ready = await client.GetAsync("/health/ready", Token);

        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ready.Content.ReadAsStringAsync(Token)).ShouldContain("\"database\"");
        var sources = factory.Services.GetServices<MigrationSource>().ToArray();
        sources.ShouldContain(SamverkanHostFactory.TestMigrations);
        (await Migrator.IsUpToDateAsync(database.DataSource, sources, Token)).ShouldBeTrue();
    }

    [Fact]
    public async Task Live_Answers200WithoutTouchingTheDatabase()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = new SamverkanHostFactory(database.ConnectionString);
        using var client = factory.CreateClient();
        await DropAsync(database);

        var live = await client.GetAsync("/health/live", Token);

        live.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Ready_WhenTheDatabaseIsGone_Answers503WithRetryAfter()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = new SamverkanHostFactory(database.ConnectionString);
        using var client = factory.CreateClient();
        (await client.GetAsync("/health/ready", Token)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await DropAsync(database);
        var ready = await client.GetAsync("/health/ready", Token);

        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        ready.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldBe(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Ready_WithMigrateOnStartOff_Answers503UntilMigrated()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = new SamverkanHostFactory(
            database.ConnectionString, builder => builder.UseSetting("Samverkan:Database:MigrateOnStart", "false"));
        using var client = factory.CreateClient();

        (await client.GetAsync("/health/ready", Token)).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        await Migrator.ApplyAsync(database.DataSource, factory.Services.GetServices<MigrationSource>(), cancellationToken: Token);

        // The actor node starts once it sees its tables (it looks every second).
        var deadline = DateTime.UtcNow.AddSeconds(15);
        var status = HttpStatusCode.ServiceUnavailable;
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, Token);
            status = (await client.GetAsync("/health/ready", Token)).StatusCode;
        }

        status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TwoHosts_StartingTogether_BothBecomeReadyAndEachMigrationIsRecordedOnce()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var first = new SamverkanHostFactory(database.ConnectionString);
        await using var second = new SamverkanHostFactory(database.ConnectionString);

        var clients = await Task.WhenAll(Task.Run(first.CreateClient, Token), Task.Run(second.CreateClient, Token));
        var answers = await Task.WhenAll(clients.Select(c => c.GetAsync("/health/ready", Token)));

        answers.ShouldAllBe(a => a.StatusCode == HttpStatusCode.OK);
        var expected = first.Services.GetServices<MigrationSource>().ToArray();
        await using var command = database.DataSource.CreateCommand("SELECT id, count(*) OVER (PARTITION BY id) FROM schema_migrations");
        await using var reader = await command.ExecuteReaderAsync(Token);
        var ids = new List<string>();
        while (await reader.ReadAsync(Token))
        {
            ids.Add(reader.GetString(0));
            reader.GetInt64(1).ShouldBe(1);
        }

        ids.ShouldContain("hosttests/0001_host_test_marker");
        ids.Count.ShouldBe(ids.Distinct().Count());
        (await Migrator.IsUpToDateAsync(database.DataSource, expected, Token)).ShouldBeTrue();
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task Telemetry_TracesOurOwnAndTheFrameworksSourcesOnly()
    {
        // Metrics are collected only with an exporter (OTEL_EXPORTER_OTLP_ENDPOINT), which tests do not set.
        using var actorsSource = new ActivitySource("Samverkan.Actors.Probe");
        using var aspNetCoreSource = new ActivitySource("Microsoft.AspNetCore");
        using var npgsqlSource = new ActivitySource("Npgsql");
        using var orleansRuntimeSource = new ActivitySource("Microsoft.Orleans.Runtime");
        using var orleansApplicationSource = new ActivitySource("Microsoft.Orleans.Application");
        using var unrelatedSource = new ActivitySource("Unrelated.Library");
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = new SamverkanHostFactory(database.ConnectionString);
        using var client = factory.CreateClient();

        SamverkanTelemetry.ActivitySource.HasListeners().ShouldBeTrue();
        actorsSource.HasListeners().ShouldBeTrue();
        aspNetCoreSource.HasListeners().ShouldBeTrue();
        npgsqlSource.HasListeners().ShouldBeTrue();
        orleansRuntimeSource.HasListeners().ShouldBeTrue();
        orleansApplicationSource.HasListeners().ShouldBeTrue();
        unrelatedSource.HasListeners().ShouldBeFalse();
    }

    [Fact]
    public async Task AGrainCall_IsASpanOfTheTraceThatMadeIt()
    {
        var seen = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Samverkan.Test.Probe" or "Microsoft.Orleans.Application",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = seen.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var probe = new ActivitySource("Samverkan.Test.Probe");
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = new SamverkanHostFactory(database.ConnectionString);
        factory.CreateClient().Dispose();
        var grains = factory.Services.GetRequiredService<IGrainFactory>();

        ActivityTraceId trace;
        using (var caller = probe.StartActivity("caller")!)
        {
            trace = caller.TraceId;
            await grains.Municipality(new Samverkan.Domain.Organisation.MunicipalityCode("1280")).GetAsync();
        }

        // The grain's side of the call (a server span), in the caller's trace.
        await WaitForAsync(() => seen.Any(a => a.Source.Name == "Microsoft.Orleans.Application" && a.Kind == ActivityKind.Server && a.TraceId == trace));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the grain call's server span in the caller's trace");
            await Task.Delay(50, Token);
        }
    }

    [Fact]
    public async Task ApiReference_AnswersAnonymously_AndTheDocumentDescribesBearerAndCookie()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = new SamverkanHostFactory(database.ConnectionString);
        using var client = factory.CreateClient();

        using var page = await client.GetAsync("/openapi/reference", Token);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var document = await client.GetAsync("/openapi/v1.json", Token);
        document.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var json = System.Text.Json.JsonDocument.Parse(await document.Content.ReadAsStringAsync(Token));
        var schemes = json.RootElement.GetProperty("components").GetProperty("securitySchemes");
        schemes.GetProperty("bearer").GetProperty("scheme").GetString().ShouldBe("bearer");
        schemes.GetProperty("bearer").GetProperty("bearerFormat").GetString().ShouldBe("JWT");
        schemes.GetProperty("cookie").GetProperty("in").GetString().ShouldBe("cookie");
        schemes.GetProperty("cookie").GetProperty("name").GetString().ShouldBe("samverkan.session");
    }

    [Fact]
    public async Task OpenApi_DocumentIsServed()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = new SamverkanHostFactory(database.ConnectionString);
        using var client = factory.CreateClient();

        var document = await client.GetAsync("/openapi/v1.json", Token);

        document.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await document.Content.ReadAsStringAsync(Token)).ShouldContain("\"title\": \"Samverkan API\"");
    }

    [Fact]
    public async Task Favicon_IsServedWithoutSignIn_AtItsOwnPathAndTheClassicOne()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = new SamverkanHostFactory(database.ConnectionString);
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false });

        var icon = await client.GetAsync("/favicon.svg", Token);
        icon.StatusCode.ShouldBe(HttpStatusCode.OK);
        icon.Content.Headers.ContentType?.MediaType.ShouldBe("image/svg+xml");
        (await icon.Content.ReadAsStringAsync(Token)).ShouldStartWith("<svg");

        var classic = await client.GetAsync("/favicon.ico", Token);
        classic.StatusCode.ShouldBe(HttpStatusCode.MovedPermanently);
        classic.Headers.Location?.OriginalString.ShouldBe("/favicon.svg");
    }

    [Fact]
    public async Task MalformedJson_Gets400ProblemDetailsWithTraceIdAndNoEcho()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = new SamverkanHostFactory(database.ConnectionString);
        using var client = factory.CreateClient();

        var response = await client.PostAsync(
            "/test/echo", new StringContent("{\"name\": \"Anna Andersson\", \"count\": ", Encoding.UTF8, "application/json"), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await ProblemJson.ReadAsync(response);
        problem.GetProperty("status").GetInt32().ShouldBe(400);
        problem.GetProperty("title").GetString().ShouldBe("Malformed JSON");
        problem.GetProperty("traceId").GetString().ShouldNotBeNullOrEmpty();
        problem.ToString().ShouldNotContain("Anna");
    }

    /// <summary>Only a request body the binder cannot read is the client's 400: a JsonException of our own code is a bug.</summary>
    [Fact]
    public async Task JsonExceptionInServerCode_IsA500_NotTheClientsBadRequest()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = new SamverkanHostFactory(database.ConnectionString);
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/test/throw-json", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        var problem = await ProblemJson.ReadAsync(response);
        problem.GetProperty("status").GetInt32().ShouldBe(500);
        problem.ToString().ShouldNotContain("Anna");
    }

    [Fact]
    public async Task WrongShapeJson_Gets400ProblemDetails()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = new SamverkanHostFactory(database.ConnectionString);
        using var client = factory.CreateClient();

        var response = await client.PostAsync(
            "/test/echo", new StringContent("{\"name\": \"x\", \"count\": \"many\"}", Encoding.UTF8, "application/json"), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ProblemJson.ReadAsync(response)).GetProperty("status").GetInt32().ShouldBe(400);
    }

    /// <summary>
    /// Both ways to a 415 give one problem body: routing answers a Content-Type the endpoint does not accept with a bare
    /// 415 (written by the status-code pages), while a body without any Content-Type reaches binding, which throws.
    /// </summary>
    [Theory]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task WrongOrMissingContentType_Gets415_WithTheSameProblemBody(string? contentType)
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = new SamverkanHostFactory(database.ConnectionString);
        using var client = factory.CreateClient();
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("name=x"));
        if (contentType is not null)
        {
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        var response = await client.PostAsync("/test/echo", content, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        var problem = await ProblemJson.ReadAsync(response);
        problem.GetProperty("status").GetInt32().ShouldBe(415);
        problem.GetProperty("type").GetString().ShouldBe("https://www.rfc-editor.org/rfc/rfc9110#section-15.5.16");
        problem.GetProperty("title").GetString().ShouldBe("Unsupported media type");
        problem.GetProperty("detail").GetString().ShouldBe("Send the request body as application/json.");
        problem.GetProperty("traceId").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task TooLargeBody_Gets413ProblemDetails()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = new SamverkanHostFactory(
            database.ConnectionString, builder => builder.UseSetting("Samverkan:Http:MaxRequestBodyBytes", "100"));
        using var client = factory.CreateClient();
        var body = "{\"name\": \"" + new string('x', 200) + "\", \"count\": 1}";

        var response = await client.PostAsync("/test/echo", new StringContent(body, Encoding.UTF8, "application/json"), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await ProblemJson.ReadAsync(response)).GetProperty("status").GetInt32().ShouldBe(413);
    }

    [Fact]
    public async Task ValidJson_IsAccepted()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = new SamverkanHostFactory(database.ConnectionString);
        using var client = factory.CreateClient();

        var response = await client.PostAsync(
            "/test/echo", new StringContent("{\"name\": \"x\", \"count\": 2}", Encoding.UTF8, "application/json"), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task UnhandledException_Gets500ProblemDetailsWithoutTheExceptionText()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = new SamverkanHostFactory(database.ConnectionString);
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/test/throw", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        var problem = await ProblemJson.ReadAsync(response);
        problem.GetProperty("status").GetInt32().ShouldBe(500);
        problem.GetProperty("traceId").GetString().ShouldNotBeNullOrEmpty();
        problem.ToString().ShouldNotContain("Anna");
        problem.ToString().ShouldNotContain("19120212");
    }

    [Fact]
    public async Task UnknownRoute_Gets404ProblemDetails()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = new SamverkanHostFactory(database.ConnectionString);
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/no/such/thing", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await ProblemJson.ReadAsync(response)).GetProperty("status").GetInt32().ShouldBe(404);
    }

    private static async Task DropAsync(TestDatabase database)
    {
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(Token);
        await using var command = new NpgsqlCommand($"DROP DATABASE \"{database.Name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync(Token);
    }
}
