using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Identity;
using Samverkan.Host.Security;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>One host on one database with <see cref="AccessWorld"/>, shared by the matrix rows (which only read).</summary>
public sealed class AccessWorldFixture(PostgresServerFixture postgres) : IAsyncLifetime
{
    private TestDatabase? _database;

    internal TestIdentityProvider Idp { get; } = new();

    internal SecurityHostFactory Factory { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        Factory = new SecurityHostFactory(_database.ConnectionString, Idp, settings: new Dictionary<string, string?>
        {
            ["Samverkan:RateLimits:Enabled"] = "false",
        });
        Factory.CreateClient().Dispose();
        await AccessWorld.SeedAsync(_database.DataSource, TimeProvider.System, Factory.Services);
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        Idp.Dispose();
    }
}

/// <summary>Every row of access-matrix.csv: 100 % must match.</summary>
public sealed class AccessMatrixTests(AccessWorldFixture world) : IClassFixture<AccessWorldFixture>
{
    public static TheoryData<string> Rows => new(Lines());

    private static IEnumerable<string> Lines() =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "access-matrix.csv"))
            .Where(line => line.Length > 0 && !line.StartsWith('#') && !line.StartsWith("endpoint,", StringComparison.Ordinal));

    [Fact]
    public void Matrix_CoversEveryCallerAndObject()
    {
        var rows = Lines().Select(MatrixRow.Parse).ToList();

        rows.Count.ShouldBeGreaterThan(40);
        rows.Select(r => r.Caller).Distinct().Where(AccessWorld.Callers.ContainsKey)
            .ShouldBe(AccessWorld.Callers.Keys, ignoreOrder: true);
        rows.Select(r => r.Object).Distinct().Where(AccessWorld.Children.ContainsKey)
            .ShouldBe(AccessWorld.Children.Keys, ignoreOrder: true);
        rows.Select(r => r.Object).Distinct().Where(AccessWorld.Cases.ContainsKey)
            .ShouldBe(AccessWorld.Cases.Keys, ignoreOrder: true);
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Matrix_RowMatches(string line)
    {
        var row = MatrixRow.Parse(line);
        if (row.Endpoint.StartsWith("access:", StringComparison.Ordinal))
        {
            await CheckDecisionAsync(row);
        }
        else
        {
            await CheckHttpAsync(row);
        }
    }

    private async Task CheckDecisionAsync(MatrixRow row)
    {
        var access = world.Factory.Services.GetRequiredService<IChildAccess>();
        var caller = ToCaller(AccessWorld.Callers[row.Caller]);
        var decision = row.Endpoint switch
        {
            "access:child" => await access.DecideAsync(caller, new PseudonymousKey(AccessWorld.Children[row.Object]), Http.Token),
            "access:case" => await access.DecideCaseAsync(caller, new CaseId(AccessWorld.Cases[row.Object]), Http.Token),
            _ => throw new InvalidOperationException($"Unknown endpoint {row.Endpoint}"),
        };

        decision.Allowed.ShouldBe(row.Expected == "allow", decision.DenialReason);
        if (!decision.Allowed)
        {
            decision.Grants.ShouldBeEmpty();
            return;
        }

        decision.Relations.Select(r => r.ToString()).ShouldBe(row.Relations, ignoreOrder: true);
        decision.Categories.Select(c => c.ToString()).ShouldBe(row.Categories, ignoreOrder: true);
        foreach (var flag in row.Flags)
        {
            switch (flag)
            {
                case "location:show": decision.MayShowLocation.ShouldBeTrue(); break;
                case "location:hide": decision.MayShowLocation.ShouldBeFalse(); break;
                case "reporter:show": decision.MayShowReporter.ShouldBeTrue(); break;
                case "reporter:hide": decision.MayShowReporter.ShouldBeFalse(); break;
                default: throw new InvalidOperationException($"Unknown flag {flag}");
            }
        }
    }

    private async Task CheckHttpAsync(MatrixRow row)
    {
        var parts = row.Endpoint.Split(' ', 2);
        var path = parts[1]
            .Replace("{child}", AccessWorld.Children.GetValueOrDefault(row.Object, row.Object), StringComparison.Ordinal)
            .Replace("{case}", AccessWorld.Cases.GetValueOrDefault(row.Object, row.Object), StringComparison.Ordinal);
        using var client = world.Factory.CreatePlainClient();
        var token = Token(row.Caller);
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        using var request = new HttpRequestMessage(new HttpMethod(parts[0]), path);
        var response = await client.SendAsync(request, Http.Token);

        ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture).ShouldBe(row.Expected, await response.Content.ReadAsStringAsync(Http.Token));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            (await response.Content.ReadAsStringAsync(Http.Token)).ShouldNotContain(SecurityHostFactory.ChildSecret);
        }
    }

    private string? Token(string caller)
    {
        var idp = world.Idp;
        var member = AccessWorld.Callers["eht-member"];
        return caller switch
        {
            "no-token" => null,
            "expired-token" => idp.Token(member, notBefore: DateTime.UtcNow.AddHours(-3), lifetime: TimeSpan.FromHours(1)),
            "wrong-audience" => idp.Token(member, audience: "another-service"),
            "wrong-signature" => idp.Token(member, key: idp.ForgedKey),
            _ => idp.Token(AccessWorld.Callers[caller]),
        };
    }

    internal static Caller ToCaller(TestPerson person)
    {
        var claims = person.Claims().SelectMany(c => c.Value is string[] values
            ? values.Select(v => new System.Security.Claims.Claim(c.Key, v))
            : [new System.Security.Claims.Claim(c.Key, (string)c.Value)]);
        var principal = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(claims, "test"));
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { User = principal };
        return context.GetCaller();
    }

    private sealed record MatrixRow(string Endpoint, string Caller, string Object, string Expected, string[] Relations, string[] Categories, string[] Flags)
    {
        public static MatrixRow Parse(string line)
        {
            var cells = line.Split(',');
            if (cells.Length != 7)
            {
                throw new FormatException($"A matrix row has 7 cells: {line}");
            }

            static string[] List(string cell) => cell.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return new MatrixRow(cells[0].Trim(), cells[1].Trim(), cells[2].Trim(), cells[3].Trim(), List(cells[4]), List(cells[5]), List(cells[6]));
        }
    }
}
