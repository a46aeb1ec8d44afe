using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Samverkan.Postgres;

namespace Samverkan.Host.Tests;

/// <summary>The real host (Program) in memory, on a test database, with a migration source and test endpoints of its own.</summary>
internal sealed class SamverkanHostFactory(
    string connectionString, Action<IWebHostBuilder>? configure = null, bool includeTestMigrations = true) : WebApplicationFactory<Program>
{
    public static readonly MigrationSource TestMigrations = new("hosttests", typeof(SamverkanHostFactory).Assembly);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Samverkan", connectionString);
        builder.ConfigureServices(services =>
        {
            if (includeTestMigrations)
            {
                services.AddMigrationSource(TestMigrations);
            }

            services.AddSingleton<IStartupFilter, TestEndpoints>();
        });
        configure?.Invoke(builder);
    }

    /// <summary>Endpoints behind the host's own middleware, for what the host has no endpoint for yet.</summary>
    private sealed class TestEndpoints : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.UseRouting();
            app.UseEndpoints(endpoints =>
            {
                endpoints.MapPost("/test/echo", (EchoRequest request) => TypedResults.Ok(request));
                endpoints.MapGet("/test/throw", IResult () => throw new InvalidOperationException("Secret detail: Anna Andersson, 19120212-1212"));
                endpoints.MapGet("/test/connection", (HttpContext context) => TypedResults.Ok(new
                {
                    context.Request.Scheme,
                    RemoteIp = context.Connection.RemoteIpAddress?.ToString(),
                    context.Request.IsHttps,
                }));
                endpoints.MapGet("/test/throw-json", IResult () => throw new JsonException("Stored state unreadable: Anna Andersson"));
                endpoints.MapGet("/test/throw-unreachable", IResult () => throw new NpgsqlException(
                    "Failed to connect to 10.1.2.3:5432", new SocketException((int)SocketError.ConnectionRefused)));
            });
        };
    }
}

internal sealed record EchoRequest(string Name, int Count);

internal static class ProblemJson
{
    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
    }
}
