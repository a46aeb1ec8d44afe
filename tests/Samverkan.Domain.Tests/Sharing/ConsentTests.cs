using Samverkan.Domain.Cases;
using Samverkan.Domain.Cases.Events;
using Samverkan.Domain.Children;
using Samverkan.Domain.Children.Events;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Sharing;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Sharing;

public class ConsentTests
{
    private static Consent Consent(string? validTo = "2026-01-01 00:00", string? withdrawnAt = null) => new()
    {
        Id = new ConsentId("consent-1"),
        GivenBy = [new ConsentGiver(ConsentGiverKind.Guardian, new GuardianRef("guardian-1"))],
        Recipients = [SocialServicesOrganisation],
        Categories = [InformationCategory.Attendance],
        Purpose = "Samverkan kring skolfrånvaro",
        ValidFrom = At("2025-09-01 00:00"),
        ValidTo = validTo is null ? null : At(validTo),
        WithdrawnAt = withdrawnAt is null ? null : At(withdrawnAt),
        RecordedAt = At("2025-09-01 09:00"),
    };

    public static TheoryData<string, Consent, string, bool> Cases => new()
    {
        { "inside the period", Consent(), "2025-10-01 12:00", true },
        { "the first instant", Consent(), "2025-09-01 00:00", true },
        { "before the period", Consent(), "2025-08-31 23:59", false },
        { "the last minute", Consent(), "2025-12-31 23:59", true },
        { "expired at validTo", Consent(), "2026-01-01 00:00", false },
        { "no end date", Consent(validTo: null), "2030-01-01 00:00", true },
        { "just before withdrawal", Consent(withdrawnAt: "2025-10-15 12:00"), "2025-10-15 11:59", true },
        { "withdrawn", Consent(withdrawnAt: "2025-10-15 12:00"), "2025-10-15 12:00", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void IsValidFor_HonoursPeriodAndWithdrawal(string because, Consent consent, string at, bool valid) =>
        consent.IsValidFor(SocialServicesOrganisation, InformationCategory.Attendance, At(at)).ShouldBe(valid, because);

    [Fact]
    public void IsValidFor_OnlyCoversTheNamedRecipientsAndCategories()
    {
        var at = At("2025-10-01 12:00");

        Consent().IsValidFor(RegionOrganisation, InformationCategory.Attendance, at).ShouldBeFalse();
        Consent().IsValidFor(SocialServicesOrganisation, InformationCategory.Health, at).ShouldBeFalse();
    }

    public static TheoryData<string, Func<Consent, Consent>, string> InvalidConsents => new()
    {
        { "nobody gave it", c => c with { GivenBy = [] }, "givenBy" },
        { "a guardian without reference", c => c with { GivenBy = [new ConsentGiver(ConsentGiverKind.Guardian)] }, "givenBy" },
        { "no recipients", c => c with { Recipients = [] }, "recipients" },
        { "no categories", c => c with { Categories = [] }, "categories" },
        { "no purpose", c => c with { Purpose = "" }, "purpose" },
        { "ends before it starts", c => c with { ValidTo = c.ValidFrom }, "validTo" },
    };

    [Theory]
    [MemberData(nameof(InvalidConsents))]
    public void RecordConsent_RefusesAnIncompleteConsent(string because, Func<Consent, Consent> change, string field)
    {
        var decision = ChildDecisions.RecordConsent(Child(), change(Consent()), Context(At("2025-09-01 10:00")));

        decision.IsRefused.ShouldBeTrue(because);
        decision.Error!.Fields.ShouldContain(f => f.Field == field, because);
    }

    [Fact]
    public void RecordConsent_IsIdempotentAndRefusesAnotherConsentWithTheSameId()
    {
        var once = ChildDecisions.RecordConsent(Child(), Consent(), Context(At("2025-09-01 10:00")));

        var again = ChildDecisions.RecordConsent(once.NewState, Consent(), Context(At("2025-09-01 10:01")));
        var other = ChildDecisions.RecordConsent(once.NewState, Consent() with { Purpose = "Annat" }, Context(At("2025-09-01 10:01")));

        once.Events.OfType<ConsentRecorded>().ShouldHaveSingleItem();
        again.NewState.ShouldBeSameAs(once.NewState);
        other.Error!.Code.ShouldBe(ChildErrors.ConsentExists);
    }

    [Fact]
    public void WithdrawConsent_TakesEffectFromNow()
    {
        var recorded = ChildDecisions.RecordConsent(Child(), Consent(), Context(At("2025-09-01 10:00"))).NewState;

        var withdrawn = ChildDecisions.WithdrawConsent(recorded, new ConsentId("consent-1"), Context(At("2025-10-15 12:00")));

        var consent = withdrawn.NewState.Consents.Single();
        consent.WithdrawnAt.ShouldBe(At("2025-10-15 12:00"));
        consent.IsValidFor(SocialServicesOrganisation, InformationCategory.Attendance, At("2025-10-15 11:59")).ShouldBeTrue();
        consent.IsValidFor(SocialServicesOrganisation, InformationCategory.Attendance, At("2025-10-15 12:00")).ShouldBeFalse();
        withdrawn.Events.OfType<ConsentWithdrawn>().ShouldHaveSingleItem();
        ChildDecisions.WithdrawConsent(recorded, new ConsentId("other"), Context(At("2025-10-15 12:00"))).Error!.Code.ShouldBe(ChildErrors.ConsentNotFound);
    }

    public static TheoryData<string, string?, string?, bool> ConsentRouting => new()
    {
        { "no consent", null, null, false },
        { "a valid consent", "2026-01-01 00:00", null, true },
        { "an expired consent", "2025-10-01 00:00", null, false },
        { "a withdrawn consent", "2026-01-01 00:00", "2025-10-05 00:00", false },
    };

    [Theory]
    [MemberData(nameof(ConsentRouting))]
    public void AbsenceCase_IncludesSocialServicesOnlyWithAValidConsent(string because, string? validTo, string? withdrawnAt, bool included)
    {
        var state = Child();
        if (validTo is not null)
        {
            state = state with { Consents = [Consent(validTo, withdrawnAt)] };
        }

        var now = At("2025-10-10 18:00");
        var registrations = SchoolDays("2025-09-15", "2025-10-10")
            .Select((d, i) => Registration(state.Key, d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), unexcused: i < 4 ? 300 : 0, reportedAt: "2025-10-10 16:00"))
            .ToList();
        var trigger = ChildDecisions.RegisterAbsence(state, registrations, Context(now)).CaseTriggers.Single();

        var opened = CaseDecisions.Open(null, trigger, new CaseContext { Now = now, Calendar = DefaultCalendar, School = School() });

        trigger.SocialServicesBases.Any(b => b.Kind == LegalBasisKind.Consent).ShouldBe(included, because);
        opened.NewState!.Participants.Any(p => p.Agency == Agency.SocialServices).ShouldBe(included, because);
        opened.Events.OfType<SocialServicesNotIncluded>().Any().ShouldBe(!included, because);
        if (included)
        {
            opened.NewState.Participants.Where(p => p.Agency == Agency.SocialServices).ShouldAllBe(p => p.Basis!.Kind == LegalBasisKind.Consent && p.Basis.Reference == "consent-1");
        }
    }
}
