using Samverkan.Domain.Children;
using Samverkan.Domain.Organisation;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Children;

/// <summary>A roster write by one municipality changes what is that municipality's to change, and nothing of another's.</summary>
public class ChildWrittenByTests
{
    private static readonly MunicipalityCode Elsewhere = new("0180");
    private static readonly SchoolId SchoolElsewhere = new("school-elsewhere");

    private static MunicipalityCode? MunicipalityOf(SchoolId school) => school == SchoolElsewhere ? Elsewhere : school == SchoolA ? Borlange : null;

    [Fact]
    public void ANewChild_IsWrittenAsGiven()
    {
        var written = Profile(Key("new"));

        Samverkan.Domain.Children.Child.WrittenBy(null, written, Borlange, MunicipalityOf).ShouldBeSameAs(written);
    }

    [Fact]
    public void TheHomeMunicipality_WritesTheWholeProfile_AndKeepsAnotherMunicipalitysEnrolments()
    {
        var stored = Profile(Key("pupil")) with { Enrolments = [new Enrolment(SchoolA, D("2019-08-01")), new Enrolment(SchoolElsewhere, D("2026-01-07"))] };
        var written = stored with { Enrolments = [new Enrolment(SchoolA, D("2019-08-01"), D("2026-06-12"))], ProtectedIdentity = true, NamedPerson = null };

        var result = Samverkan.Domain.Children.Child.WrittenBy(stored, written, Borlange, MunicipalityOf);

        result.ProtectedIdentity.ShouldBeTrue();
        result.NamedPerson.ShouldBeNull();
        result.Enrolments.ShouldBe([new Enrolment(SchoolA, D("2019-08-01"), D("2026-06-12")), new Enrolment(SchoolElsewhere, D("2026-01-07"))]);
    }

    [Fact]
    public void AnotherMunicipality_WritesOnlyItsOwnSchoolsEnrolments()
    {
        var stored = Profile(Key("pupil"));
        var written = stored with
        {
            HomeMunicipality = Elsewhere,
            Enrolments = [new Enrolment(SchoolElsewhere, D("2026-01-07"))],
            NamedPerson = new NamedPerson(new StaffId("someone-elsewhere"), Agency.School),
            ProtectedIdentity = true,
        };

        var result = Samverkan.Domain.Children.Child.WrittenBy(stored, written, Elsewhere, MunicipalityOf);

        result.HomeMunicipality.ShouldBe(Borlange);
        result.NamedPerson.ShouldBe(stored.NamedPerson);
        result.ProtectedIdentity.ShouldBeFalse();
        result.Enrolments.ShouldBe([new Enrolment(SchoolElsewhere, D("2026-01-07")), new Enrolment(SchoolA, D("2019-08-01"))]);
    }
}
