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
        DashboardText.Sv.Alert(null, "CaseOpened").ShouldBe("CaseOpened");
    }
}
