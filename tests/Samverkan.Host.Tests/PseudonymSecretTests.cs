using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Samverkan.Host.Api;
using Samverkan.Testing;

namespace Samverkan.Host.Tests;

/// <summary>One pseudonym secret per deployment: Development nodes without a configured one share the one in the database.</summary>
public sealed class PseudonymSecretTests(PostgresServerFixture postgres)
{
    private const string TestNumber = "201408152393";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DevelopmentNodesWithoutAConfiguredSecret_OnOneDatabase_GiveAnIdentityNumberTheSameKey()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        var numbers = Path.Combine(Path.GetTempPath(), $"samverkan-test-numbers-{Guid.NewGuid():N}.txt");
        await File.WriteAllLinesAsync(numbers, [TestNumber], Token);
        try
        {
            void Development(IWebHostBuilder builder)
            {
                builder.UseEnvironment("Development");
                builder.UseSetting("Samverkan:Identity:PseudonymSecret", ""); // none configured
                builder.UseSetting("Samverkan:Identity:TestNumbersFile", numbers);
                builder.UseSetting("Samverkan:Demo:Enabled", "false");
            }

            await using var first = new SamverkanHostFactory(database.ConnectionString, Development);
            await using var second = new SamverkanHostFactory(database.ConnectionString, Development);
            await Task.WhenAll(Task.Run(() => first.Server, Token), Task.Run(() => second.Server, Token)); // start together

            var onFirst = KeyOf(first);
            onFirst.ShouldNotBeNull();
            KeyOf(second).ShouldBe(onFirst, "every node of the database derives the same key");
            (await database.DataSource.ScalarAsync("select count(*) from pseudonym_secret", [], Token)).ShouldBe(1);

            // A node started later (or after a restart) keeps deriving the same key.
            await using var third = new SamverkanHostFactory(database.ConnectionString, Development);
            KeyOf(third).ShouldBe(onFirst);
        }
        finally
        {
            File.Delete(numbers);
        }
    }

    private static string? KeyOf(SamverkanHostFactory host)
    {
        var (key, error) = host.Services.GetRequiredService<ChildIdentity>().Resolve(new ChildReference(TestNumber, null), "child");
        error.ShouldBeNull();
        return key?.Value;
    }
}
