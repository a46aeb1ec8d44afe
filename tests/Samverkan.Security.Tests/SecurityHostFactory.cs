using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Samverkan.Coordination;
using Samverkan.Host.Security;
using Samverkan.Postgres;

namespace Samverkan.Security.Tests;

/// <summary>
/// The real host (Program) in memory on a test database, trusting a <see cref="TestIdentityProvider"/>, with a few
/// endpoints of the tests' own under <c>/api/v1/securitytest</c> (behind the host's whole middleware pipeline).
/// </summary>
internal sealed class SecurityHostFactory(
    string connectionString,
    TestIdentityProvider? identityProvider,
    string environment = "Testing",
    IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    /// <summary>What the test child endpoint answers once access is decided and audited.</summary>
    public const string ChildSecret = "the child's record (test data)";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("ConnectionStrings:Samverkan", connectionString);
        builder.UseSetting("Samverkan:Identity:PseudonymSecret", "dGVzdHMtb25seS1zZWNyZXQtZm9yLXNhbXZlcmthbi1zZWN1cml0eS10ZXN0cw==");
        builder.UseSetting("Samverkan:Demo:Enabled", "false");
        foreach (var (key, value) in identityProvider?.Settings() ?? [])
        {
            builder.UseSetting(key, value);
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            // The read models the access service reads (no-ops when the host registers them itself).
            services.AddMigrationSource("actors", typeof(Samverkan.Actors.Grains.ActorGrain).Assembly);
            services.AddMigrationSource("coordination", typeof(CoordinationActors).Assembly);
            services.AddSingleton<IStartupFilter, TestEndpoints>();
        });
    }

    public HttpClient CreatePlainClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    /// <summary>A client over https (as behind a deployment's TLS), so cookies set as Secure in any environment are.</summary>
    public HttpClient CreateHttpsClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false, HandleCookies = false });

    public HttpClient CreateClientWithToken(string token)
    {
        var client = CreatePlainClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Endpoints mapped after the host's pipeline: the host's authentication, fallback policy and rate limits apply to them.</summary>
    private sealed class TestEndpoints : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.UseRouting();
            app.UseAuthorization();
            app.UseEndpoints(endpoints =>
            {
                var group = endpoints.MapGroup("/api/v1/securitytest");
                group.MapGet("/whoami", (HttpContext context) => TypedResults.Ok(WhoAmI.Of(context.GetCaller())));
                group.MapGet("/children/{childKey}", async (HttpContext context, string childKey, IChildAccess access) =>
                {
                    var decision = await access.RequireChildAsync(context, childKey);
                    return TypedResults.Ok(new ChildAnswer(ChildSecret, [.. decision.Categories.Select(c => c.ToString())]));
                }).WithAuditPurpose("test: open a child");
                group.MapGet("/cases/{caseId}", async (HttpContext context, string caseId, IChildAccess access) =>
                {
                    var decision = await access.RequireCaseAsync(context, caseId);
                    return TypedResults.Ok(new ChildAnswer(ChildSecret, [.. decision.Categories.Select(c => c.ToString())]));
                });
                group.MapPost("/echo", (JsonElement body) => TypedResults.Ok(body));
            });
        };
    }
}

internal sealed record WhoAmI(string Staff, string Organisation, string Municipality, string Agency, string[] Roles, bool IsCoordinator, bool IsFeed, string? Region)
{
    public static WhoAmI Of(Caller caller) => new(
        caller.Staff.Value, caller.Organisation.Value, caller.Municipality.Value, caller.Agency.ToString(),
        [.. caller.Roles.Select(r => r.ToString())], caller.IsCoordinator, caller.IsFeed, caller.RegionCode);
}

internal sealed record ChildAnswer(string Record, string[] Categories);

internal static class Http
{
    public static CancellationToken Token => TestContext.Current.CancellationToken;

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement;
        problem.GetProperty("status").GetInt32().ShouldBe((int)response.StatusCode);
        return problem;
    }

    public static async Task<T> JsonAsync<T>(HttpResponseMessage response) =>
        JsonSerializer.Deserialize<T>(await response.Content.ReadAsStringAsync(Token), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
}
