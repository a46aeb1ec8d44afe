using Samverkan.Domain.Cases;
using Samverkan.Domain.Common;
using Samverkan.Host.Dashboard;

namespace Samverkan.Browser.Tests;

/// <summary>The dashboard's words and formats, without a browser.</summary>
public sealed class DashboardTextTests
{
    [Fact]
    public void Swedish_FormatsDatesAndPercentagesTheSwedishWay()
    {
        var text = DashboardText.For("sv");

        text.Date(new DateOnly(2026, 12, 1)).ShouldBe("1 dec. 2026");
        text.Date(new DateOnly(2026, 3, 9)).ShouldBe("9 mars 2026");
        text.Percent(20.5m).ShouldBe("20,5\u00a0%");
        text.Percent(20m).ShouldBe("20\u00a0%");
        text.Number(1234).ShouldBe("1\u00a0234");
    }

    [Fact]
    public void DateTime_IsShownInSwedishTime_WinterAndSummer()
    {
        var text = DashboardText.For("sv");

        text.DateTime(new DateTimeOffset(2026, 12, 1, 13, 5, 0, TimeSpan.Zero)).ShouldBe("1 dec. 2026 14:05");
        text.DateTime(new DateTimeOffset(2026, 6, 15, 22, 30, 0, TimeSpan.Zero)).ShouldBe("16 juni 2026 00:30");
    }

    [Fact]
    public void English_IsChosenOnlyWhenAsked_AndSwedishIsTheDefault()
    {
        DashboardText.For(null).Language.ShouldBe("sv");
        DashboardText.For("xx").Language.ShouldBe("sv");
        DashboardText.For("en")["school.alerts"].ShouldBe("My alerts");
        DashboardText.For("sv")["school.alerts"].ShouldBe("Mina aviseringar");
        DashboardText.For("en").Percent(20.5m).ShouldBe("20.5%");
        DashboardText.For("en").Date(new DateOnly(2026, 12, 1)).ShouldBe("1 Dec 2026");
    }

    [Theory]
    [InlineData("Open", "Nytt", "Open")]
    [InlineData("Acknowledged", "Kvitterat", "Acknowledged")]
    [InlineData("FollowUp", "Uppföljning", "Follow-up")]
    [InlineData("Closed", "Avslutat", "Closed")]
    public void Status_HasAWordInBothLanguages(string status, string swedish, string english)
    {
        DashboardText.Sv.Status(status).ShouldBe(swedish);
        DashboardText.En.Status(status).ShouldBe(english);
    }

    [Fact]
    public void Alert_ShowsTheTextInTheChosenLanguage()
    {
        var alert = new LocalizedText("Nytt samverkansärende", "New joint case");

        DashboardText.Sv.Alert(alert, "CaseOpened").ShouldBe("Nytt samverkansärende");
        DashboardText.En.Alert(alert, "CaseOpened").ShouldBe("New joint case");
        DashboardText.Sv.Alert(null, "CaseOpened").ShouldBe("Nytt samverkansärende");
        DashboardText.En.Alert(null, "CaseOpened").ShouldBe("New joint case");
    }

    [Fact]
    public void Timeline_IsWordedFromTheEntrysFacts_InTheChosenLanguage_WithDatesInSwedishTime()
    {
        var entry = new TimelineEntry(
                new DateTimeOffset(2026, 12, 7, 21, 15, 31, TimeSpan.Zero), TimelineEntryKind.Opened, null,
                "Opened (AbsenceFollowUp, Normal) by absence-total-share; acknowledge by 2026-12-07T22:15:31.0000000+00:00.")
            .With((TimelineFacts.Kind, "AbsenceFollowUp"), (TimelineFacts.Severity, "Normal"), (TimelineFacts.Rules, "absence-total-share"),
                (TimelineFacts.Due, "2026-12-07T22:15:31.0000000+00:00"));

        TimelineWording.Describe(DashboardText.Sv, entry, TimelineNames.Ids)
            .ShouldBe("Samverkansärende öppnat: Frånvaro, angelägenhet normal, enligt regeln hög total frånvaro. Kvittera senast 7 dec. 2026 23:15.");
        TimelineWording.Describe(DashboardText.En, entry, TimelineNames.Ids)
            .ShouldBe("Joint case opened: Absence, severity normal, by the rule high total absence. Acknowledge by 7 Dec 2026 23:15.");

        var two = entry.With((TimelineFacts.Kind, "AbsenceFollowUp"), (TimelineFacts.Severity, "High"), (TimelineFacts.Rules, "absence-total-share,absence-consecutive-days"),
            (TimelineFacts.Due, "2026-06-07T22:15:31.0000000+00:00"));
        TimelineWording.Describe(DashboardText.Sv, two, TimelineNames.Ids)
            .ShouldBe("Samverkansärende öppnat: Frånvaro, angelägenhet hög, enligt reglerna hög total frånvaro och sammanhängande frånvarodagar. Kvittera senast 8 juni 2026 00:15.");
    }

    [Fact]
    public void Timeline_NamesPeopleAndActions_AndHidesSchoolsItMayNotShow()
    {
        var at = new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
        var names = TimelineNames.Ids with { Staff = id => id == "karin.kurator" ? "Karin Berg" : id, Action = id => id == "a1" ? "Anpassad studiegång" : null };
        var added = new TimelineEntry(at, TimelineEntryKind.PlanActionAdded, null, "Action a1 for org (School), due 2026-12-14.")
            .With((TimelineFacts.Action, "a1"), (TimelineFacts.Agency, "School"), (TimelineFacts.Due, "2026-12-14"));
        var lead = new TimelineEntry(at, TimelineEntryKind.LeadAssigned, null, "Lead: karin.kurator (School).")
            .With((TimelineFacts.To, "karin.kurator"), (TimelineFacts.Agency, "School"));
        var closed = new TimelineEntry(at, TimelineEntryKind.Closed, null, "Closed: Duplicate.").With((TimelineFacts.Reason, "Duplicate"));
        var moved = new TimelineEntry(at, TimelineEntryKind.SchoolChanged, null, "The child changed school from s-a to s-b; …")
            .With((TimelineFacts.From, "s-a"), (TimelineFacts.To, "s-b"));

        TimelineWording.Describe(DashboardText.Sv, added, names).ShouldBe("Åtgärd \u201dAnpassad studiegång\u201d (Skola) lades till i planen, klar senast 14 dec. 2026.");
        TimelineWording.Describe(DashboardText.Sv, lead, names).ShouldBe("Karin Berg (Skola) har samordningsansvaret.");
        TimelineWording.Describe(DashboardText.Sv, closed, names).ShouldBe("Ärendet avslutades: Dubblett.");
        TimelineWording.Describe(DashboardText.En, closed, names).ShouldBe("The case was closed: Duplicate.");
        TimelineWording.Describe(DashboardText.Sv, moved, names).ShouldBe("Barnet bytte skola. Ärendet lämnades över till den nya skolans elevhälsoteam.");
        TimelineWording.Describe(DashboardText.Sv, moved, names with { School = id => id == "s-a" ? "Norrskolan" : "Södraskolan" })
            .ShouldBe("Barnet bytte skola från Norrskolan till Södraskolan. Ärendet lämnades över till den nya skolans elevhälsoteam.");
    }

    [Fact]
    public void Timeline_EntryWithoutFacts_HasNoSwedishWording_AndTheDomainsTextInEnglish()
    {
        var entry = new TimelineEntry(DateTimeOffset.UnixEpoch, TimelineEntryKind.Acknowledged, null, "Acknowledged.");

        TimelineWording.Describe(DashboardText.Sv, entry, TimelineNames.Ids).ShouldBeNull();
        TimelineWording.Describe(DashboardText.En, entry, TimelineNames.Ids).ShouldBe("Acknowledged.");
        DashboardText.Sv.TimelineKind("Acknowledged").ShouldBe("Kvitterat");
        DashboardText.En.TimelineKind("EvidenceAdded").ShouldBe("Evidence added");
    }

    [Fact]
    public void EveryTimelineKind_HasAWordInBothLanguages_ThatIsNotTheEnumName()
    {
        foreach (var kind in Enum.GetNames<TimelineEntryKind>())
        {
            DashboardText.Sv.TimelineKind(kind).ShouldNotBe(kind, $"Swedish for {kind}");
            if (kind.Any(char.IsUpper) && kind.Skip(1).Any(char.IsUpper))
            {
                DashboardText.En.TimelineKind(kind).ShouldNotBe(kind, $"English for {kind}");
            }
        }
    }

    [Fact]
    public void CaseReference_IsShort_Stable_AndTellsNothingOfTheChildsKey()
    {
        var reference = CaseReference.Of("k1a2b3c4d5e6f7a8b9c0-1");

        reference.ShouldMatch("^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$");
        CaseReference.Of("k1a2b3c4d5e6f7a8b9c0-1").ShouldBe(reference);
        CaseReference.Of("k1a2b3c4d5e6f7a8b9c0-2").ShouldNotBe(reference);
        reference.ShouldNotContain("K1A2");
    }
}
