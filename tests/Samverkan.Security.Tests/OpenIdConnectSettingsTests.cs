using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>
/// The dashboard's OpenID Connect sign-in refuses to start with settings that cannot work or are unsafe (the sign-in
/// itself runs against a real provider in the browser tests).
/// </summary>
public sealed class OpenIdConnectSettingsTests(PostgresServerFixture postgres)
{
    public static TheoryData<string, string, string?, string> BadSettings => new()
    {
        { "Testing", "https://idp.region.example", null, "OpenIdConnect:ClientId must be set" },
        { "Testing", "http://idp.region.example", "samverkan", "OpenIdConnect:Authority must be an absolute https URL" },
        { "Production", "http://127.0.0.1:5999", "samverkan", "OpenIdConnect:Authority must be an absolute https URL" },
        { "Testing", "not a url", "samverkan", "OpenIdConnect:Authority must be an absolute https URL" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task BadSettings_RefuseToStart(string environment, string authority, string? clientId, string expected)
    {
        using var idp = new TestIdentityProvider();
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var factory = new SecurityHostFactory(database.ConnectionString, idp, environment, new Dictionary<string, string?>
        {
            ["Samverkan:Authentication:OpenIdConnect:Authority"] = authority,
            ["Samverkan:Authentication:OpenIdConnect:ClientId"] = clientId,
        });

        var failure = Should.Throw<Exception>(() => factory.CreateClient());

        failure.ToString().ShouldContain(expected);
    }
}
