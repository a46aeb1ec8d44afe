using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Samverkan.Abstractions;
using Samverkan.Domain.Organisation;
using Samverkan.Testing;

namespace Samverkan.Coordination.Tests;

/// <summary>
/// The municipality and school grains on the real host's silo: what the old runtime's one transaction gave for free
/// (state and read model together) kept by versions and re-projection.
/// </summary>
public sealed class ReferenceGrainTests(PostgresServerFixture postgres)
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 23, 7, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ARowLostAfterTheStateWrite_IsWrittenAgain_ByTheNextActivation()
    {
        await using var host = await CoordinationHost.StartAsync(postgres, Monday);
        var scenario = new Scenario(host);
        await scenario.SetUpAsync();
        (await host.ScalarAsync("select version from coord_schools where school_id = $1", Scenario.School)).ShouldBe(1L);

        // The state is stored but its row is not (a node lost between the two writes).
        await host.ScalarAsync("with d as (delete from coord_schools where school_id = $1 returning 1) select count(*) from d", Scenario.School);
        await DeactivateAllAsync(host);

        // The same upsert again changes nothing in the state, but the new activation writes the row first.
        (await PutSchoolAsync(scenario, "Tallskolan")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await host.TextAsync("select name || ' v' || version from coord_schools where school_id = $1", Scenario.School)).ShouldBe("Tallskolan v1");
    }

    [Fact]
    public async Task ARowOfAnOlderVersion_NeverReplacesANewerOne()
    {
        await using var host = await CoordinationHost.StartAsync(postgres, Monday);
        var scenario = new Scenario(host);
        await scenario.SetUpAsync();

        // A row from a newer state than this grain's (as a late write of a stale activation would meet).
        await host.ScalarAsync("with u as (update coord_schools set version = 100, name = 'Newer' where school_id = $1 returning 1) select count(*) from u", Scenario.School);
        (await PutSchoolAsync(scenario, "Tallskolan 2")).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await host.TextAsync("select name || ' v' || version from coord_schools where school_id = $1", Scenario.School)).ShouldBe("Newer v100");
        (await Grains(host).School(new SchoolId(Scenario.School)).GetAsync())!.Name.ShouldBe("Tallskolan 2");
    }

    [Fact]
    public async Task GrainState_IsStoredAsReadableJson_InTheOrleansStorageTable()
    {
        await using var host = await CoordinationHost.StartAsync(postgres, Monday);
        var scenario = new Scenario(host);
        await scenario.SetUpAsync();

        var school = await host.TextAsync("select convert_from(payload, 'UTF8') from orleans_storage where grain_key_ext = $1", Scenario.School);
        school.ShouldNotBeNull().ShouldContain("\"name\":\"Tallskolan\"");
        school.ShouldContain("\"version\":1");
        // A municipality code is all digits, which Orleans' storage keeps as the grain id's integer, not as its string key.
        var municipality = await host.TextAsync("select convert_from(payload, 'UTF8') from orleans_storage where grain_type like 'municipality%'");
        municipality.ShouldNotBeNull().ShouldContain("\"name\":\"Testkommun\"");
        (await Grains(host).Municipality(new MunicipalityCode(Scenario.Municipality)).GetAsync())!.Municipality.RegionCode.ShouldBe("12");
    }

    private static IGrainFactory Grains(CoordinationHost host) => host.Services.GetRequiredService<IGrainFactory>();

    private static async Task DeactivateAllAsync(CoordinationHost host)
    {
        var management = Grains(host).GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        await host.WaitUntilAsync(
            async () => (await management.GetSimpleGrainStatistics()).Where(s => s.GrainType.Contains("School", StringComparison.Ordinal)).Sum(s => s.ActivationCount) == 0,
            "the school grains deactivated");
    }

    private static Task<HttpResponseMessage> PutSchoolAsync(Scenario scenario, string name) =>
        scenario.Feed.PutAsJsonAsync(
            $"/api/v1/schools/{Scenario.School}",
            new
            {
                id = Scenario.School, name, municipality = Scenario.Municipality, kind = "Compulsory", organisation = Scenario.SchoolOrganisation,
                studentHealthTeam = Scenario.HealthTeam,
                socialServices = new { organisation = Scenario.SocialOrganisation, team = Scenario.SocialTeam, contactPersons = new[] { "sofia", "ahmed" } },
            },
            TestContext.Current.CancellationToken);
}
