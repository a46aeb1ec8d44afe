using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Sharing;
using Samverkan.Host.Security;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>Decisions follow the read models at once: nothing is cached beyond the request.</summary>
public sealed class ChildAccessTests(PostgresServerFixture postgres) : IAsyncLifetime
{
    private readonly TestIdentityProvider _idp = new();
    private TestDatabase? _database;
    private SecurityHostFactory? _factory;

    private TestDatabase Database => _database!;

    private SecurityHostFactory Factory => _factory!;

    public async ValueTask InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        _factory = new SecurityHostFactory(_database.ConnectionString, _idp);
        _factory.CreateClient().Dispose();
        await AccessWorld.SeedAsync(_database.DataSource, TimeProvider.System, _factory.Services);
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        _idp.Dispose();
    }

    [Theory]
    [InlineData("central-psychologist", "leave the student-health team",
        "update coord_teams set members = array_remove(members, 'central-psychologist') where team_id = 'eht-1'")]
    [InlineData("eht-member", "enrolment ends", "update coord_enrolments set to_date = current_date - 2 where child_key = '{child}' and school_id = 'school-1'")]
    [InlineData("eht-member", "child moves municipality", "update coord_children set municipality = '2002' where child_key = '{child}'")]
    [InlineData("eht-member", "staff deactivated", "update coord_staff set active = false where staff_id = 'eht-member'")]
    [InlineData("ss-contact-1", "no longer contact person, case participation ends",
        "update coord_schools set doc = jsonb_set(doc, '{socialServices,contactPersons}', '[\"ss-contact-2\"]') where school_id = 'school-1'; "
        + "update coord_cases set staff = '{}' where case_id = 'case-1'")]
    [InlineData("bvc-nurse", "no longer the named person", "update coord_children set named_person = null where child_key = '{child}'")]
    public async Task RemovedRelationship_TakesEffectAtTheNextRequest(string caller, string change, string sql)
    {
        var child = AccessWorld.Children["related"];
        using var client = Factory.CreateClientWithToken(_idp.Token(AccessWorld.Callers[caller]));
        (await client.GetAsync("/api/v1/securitytest/children/" + child, Http.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // eht-member also sees the child through eht-1's case (as a school-organisation counsellor too): end the case relation first.
        var endCaseRelation = caller == "eht-member" ? "update coord_cases set teams = array_remove(teams, 'eht-1') where case_id = 'case-1'; " : "";
        await AuditLogTests.ExecuteAsync(Database, endCaseRelation + sql.Replace("{child}", child, StringComparison.Ordinal));

        var response = await client.GetAsync("/api/v1/securitytest/children/" + child, Http.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound, change);
    }

    [Fact]
    public async Task WithdrawnConsent_StopsSharingAtOnce()
    {
        var access = Factory.Services.GetRequiredService<IChildAccess>();
        var nurse = AccessMatrixTests.ToCaller(AccessWorld.Callers["bvc-nurse"]);
        var child = new PseudonymousKey(AccessWorld.Children["related"]);
        var before = await access.DecideAsync(nurse, child, Http.Token);
        before.MaySee(InformationCategory.Attendance).ShouldBeTrue();
        before.Grants.Single(g => g.Category == InformationCategory.Attendance).Basis.ShouldBe(LegalBasisKind.Consent);

        // The world's municipality row is a sketch; the child's decision needs the municipality's rules: register it for real.
        (await Samverkan.Abstractions.Grains.Municipality(Factory.Services.GetRequiredService<IGrainFactory>(), new Samverkan.Domain.Organisation.MunicipalityCode("1001"))
            .UpsertAsync(new Samverkan.Abstractions.Organisation.UpsertMunicipality(
                new Samverkan.Domain.Organisation.Municipality(new Samverkan.Domain.Organisation.MunicipalityCode("1001"), "Kommun 1001", "01"), null))).Ok.ShouldBeTrue();
        var withdrawn = await Factory.Services.GetRequiredService<Samverkan.Actors.IActorClient>().AskAsync<Samverkan.Abstractions.CommandResult>(
            Samverkan.Coordination.CoordinationActors.ChildOf(child),
            new Samverkan.Coordination.Children.WithdrawConsent(new ConsentId("consent-attendance")),
            cancellationToken: Http.Token);
        withdrawn!.Ok.ShouldBeTrue(withdrawn.Code);

        var after = await access.DecideAsync(nurse, child, Http.Token);

        after.Allowed.ShouldBeTrue("the named person still sees the child");
        after.MaySee(InformationCategory.Attendance).ShouldBeFalse();
        after.MaySee(InformationCategory.Health).ShouldBeTrue();
    }

    [Fact]
    public async Task CoordinatorWhoJoinsACase_SeesTheChild()
    {
        var access = Factory.Services.GetRequiredService<IChildAccess>();
        var coordinator = AccessMatrixTests.ToCaller(AccessWorld.Callers["coordinator"]);
        var child = new PseudonymousKey(AccessWorld.Children["related"]);
        (await access.DecideAsync(coordinator, child, Http.Token)).Allowed.ShouldBeFalse();

        await AuditLogTests.ExecuteAsync(Database, "update coord_cases set staff = array_append(staff, 'coordinator') where case_id = 'case-1'");

        var decision = await access.DecideAsync(coordinator, child, Http.Token);
        decision.Allowed.ShouldBeTrue();
        decision.Relations.ShouldBe([ChildRelation.CaseParticipant]);
        decision.MaySee(InformationCategory.CaseWork).ShouldBeTrue();
    }

    [Fact]
    public async Task AllowedRead_IsAuditedAndDeniedReadIsNot()
    {
        using var client = Factory.CreateClientWithToken(_idp.Token(AccessWorld.Callers["eht-member"]));

        (await client.GetAsync("/api/v1/securitytest/children/" + AccessWorld.Children["related"], Http.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/api/v1/securitytest/children/" + AccessWorld.Children["unrelated"], Http.Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync("/api/v1/securitytest/children/not-a-key", Http.Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        (await AuditLogTests.ScalarAsync<long>(Database,
            $"select count(*) from audit_log where staff_id = 'eht-member' and action = 'read' and child_key = '{AccessWorld.Children["related"]}'"))
            .ShouldBe(1);
        (await AuditLogTests.ScalarAsync<long>(Database, "select count(*) from audit_log")).ShouldBe(1);
    }

    [Fact]
    public async Task ForbiddenAndMissing_LookTheSame()
    {
        using var client = Factory.CreateClientWithToken(_idp.Token(AccessWorld.Callers["eht-member"]));

        var forbidden = await client.GetAsync("/api/v1/securitytest/children/" + AccessWorld.Children["other-municipality"], Http.Token);
        var missing = await client.GetAsync("/api/v1/securitytest/children/" + AccessWorld.Children["missing"], Http.Token);

        forbidden.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var a = await Http.ProblemAsync(forbidden);
        var b = await Http.ProblemAsync(missing);
        a.GetProperty("title").GetString().ShouldBe(b.GetProperty("title").GetString());
        a.GetProperty("detail").GetString().ShouldBe(b.GetProperty("detail").GetString());
    }
}
