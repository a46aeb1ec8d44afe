using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Samverkan.Host.Dashboard;
using Samverkan.Host.Demo;
using Samverkan.Testing;

namespace Samverkan.Browser.Tests;

/// <summary>
/// The dashboard as staff use it: signed in through the Development sign-in in a real Chromium, while feeds and other
/// people change things through the API; pages must follow without reload.
/// </summary>
public sealed class DashboardTests(PostgresServerFixture postgres, BrowserFixture browser)
{
    private const string Sodraskolan = "s-sodraskolan";

    /// <summary>Generous: the page must follow within a second in use; the limit only stops a broken test.</summary>
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = 20_000 };

    [Fact]
    public async Task Counsellor_SeesAlertLive_AndAcknowledges_WhichTheSocialWorkerSeesWithoutReload()
    {
        await using var host = await DashboardHost.StartAsync(postgres);
        var pupil = DemoData.ChildKey(30).Value;

        // A report of concern about the pupil that social services decide not to investigate: the pupil goes under
        // Ahmed's watch, so the case that rising absence opens includes social services.
        using var counsellorApi = await host.ClientForAsync("maria.kurator");
        using var socialApi = await host.ClientForAsync("ahmed.socialsekreterare");
        var today = Samverkan.Domain.Calendar.SwedishTime.DateOf(host.Time.GetUtcNow());
        var report = await counsellorApi.PostAsJsonAsync("/api/v1/concerns", new
        {
            id = "oro-dashboard-1",
            child = new { key = pupil },
            category = "Neglect",
            date = today.AddDays(-7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            summary = "Kommer ofta utan frukost.",
        }, TestContext.Current.CancellationToken);
        report.StatusCode.ShouldBe(HttpStatusCode.Created, await report.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var outcome = await socialApi.PostAsJsonAsync(
            $"/api/v1/children/{pupil}/concerns/oro-dashboard-1/outcome", new { decision = "NotOpened" }, TestContext.Current.CancellationToken);
        outcome.StatusCode.ShouldBe(HttpStatusCode.OK, await outcome.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        await host.WaitUntilAsync(
            async () => await host.ScalarAsync("select count(*) from coord_children where child_key = $1 and watch_until is not null", pupil) == 1,
            "the watch");

        await using var counsellor = await browser.Browser.NewContextAsync(Laptop);
        await using var social = await browser.Browser.NewContextAsync(Tablet);
        var counsellorPage = await SignInAsync(counsellor, host, "maria.kurator");
        var socialPage = await SignInAsync(social, host, "ahmed.socialsekreterare");
        await Assertions.Expect(counsellorPage.GetByRole(AriaRole.Heading, new() { Name = "Mina aviseringar" })).ToBeVisibleAsync(Visible);
        await Assertions.Expect(socialPage.GetByRole(AriaRole.Heading, new() { Name = "Barn under bevakning" })).ToBeVisibleAsync(Visible);
        await Assertions.Expect(socialPage.Locator("section", new() { HasText = "Barn under bevakning" }).Locator("tbody tr")).ToHaveCountAsync(1, new() { Timeout = 20_000 });

        // The school system reports six whole days away out of the last twenty: 30 %, over the 20 % threshold.
        using var feed = host.Feed();
        var absences = await feed.PostAsJsonAsync(
            "/api/v1/absences/batch", new { items = host.Registrations(pupil, Sodraskolan, days: 20, absentDays: 6) }, TestContext.Current.CancellationToken);
        absences.StatusCode.ShouldBe(HttpStatusCode.Accepted, await absences.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        await host.WaitUntilAsync(
            async () => await host.ScalarAsync("select count(*) from coord_alerts where staff_id = 'maria.kurator' and child_key = $1", pupil) > 0,
            "an alert to the counsellor");
        var caseId = (await host.TextAsync("select case_id from coord_cases where child_key = $1", pupil))!;
        var alertId = await host.ScalarAsync("select min(id) from coord_alerts where staff_id = 'maria.kurator' and child_key = $1", pupil);

        // The alert appears on the counsellor's open page, and the case on the social worker's, without reload.
        var alert = counsellorPage.Locator($"li[data-alert='{alertId}']");
        await Assertions.Expect(alert).ToBeVisibleAsync(Visible);
        await Assertions.Expect(alert).ToContainTextAsync("Ny");

        // The card says which case, school and child it is about, and by when the case's acknowledgement is expected.
        var facts = alert.GetByTestId("alert-facts");
        var kind = (await host.TextAsync("select kind from coord_cases where case_id = $1", caseId))!;
        await Assertions.Expect(alert.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Nytt samverkansärende");
        await Assertions.Expect(alert.GetByTestId("alert-case")).ToHaveTextAsync(DashboardText.Sv.Kind(kind) + " " + CaseReference.Of(caseId), new() { Timeout = 20_000 });
        await Assertions.Expect(alert.GetByTestId("alert-school")).ToHaveTextAsync("Södraskolan");
        await Assertions.Expect(facts).ToContainTextAsync(pupil[..10]);
        (await facts.TextContentAsync())!.ShouldNotContain(caseId);
        var due = DateTimeOffset.Parse(
            (await host.TextAsync("select to_char(ack_due_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') from coord_cases where case_id = $1", caseId))!,
            System.Globalization.CultureInfo.InvariantCulture);
        await Assertions.Expect(alert.GetByTestId("alert-reply-by")).ToHaveTextAsync(DashboardText.Sv.DateTime(due));
        var socialRow = socialPage.Locator($"tr[data-case='{caseId}']");
        await Assertions.Expect(socialRow.Locator("[data-status]")).ToHaveTextAsync("Nytt", new() { Timeout = 20_000 });
        await Screenshots.SaveAsync(counsellorPage, "school-team-overview");
        await Screenshots.SaveAsync(socialPage, "social-services-overview");

        // The counsellor opens the case from the alert and acknowledges it.
        await alert.GetByRole(AriaRole.Link, new() { Name = "Öppna ärendet" }).ClickAsync();
        await Assertions.Expect(counsellorPage.GetByTestId("acknowledge")).ToBeVisibleAsync(Visible);
        await Assertions.Expect(counsellorPage.GetByTestId("absence-chart").Locator("svg rect").First).ToBeVisibleAsync(Visible);
        await Screenshots.SaveAsync(counsellorPage, "case-page");

        // The timeline speaks Swedish: worded from the entry's facts, not the domain's English text.
        var timeline = counsellorPage.GetByTestId("timeline");
        var severity = (await host.TextAsync("select severity from coord_cases where case_id = $1", caseId))!;
        await Assertions.Expect(timeline).ToContainTextAsync(
            $"Samverkansärende öppnat: {DashboardText.Sv.Kind(kind)}, angelägenhet {DashboardText.Sv.Severity(severity).ToLowerInvariant()}, enligt ");
        await Assertions.Expect(timeline).ToContainTextAsync($"Kvittera senast {DashboardText.Sv.DateTime(due)}.");
        var said = (await timeline.TextContentAsync())!;
        said.ShouldNotContain("Opened (");
        said.ShouldNotContain("absence-");
        said.ShouldNotContain("watch-signal");
        await Assertions.Expect(counsellorPage.GetByTestId("case-reference")).ToHaveTextAsync(CaseReference.Of(caseId));
        var socialCase = await social.NewPageAsync();
        await socialCase.GotoAsync($"{host.BaseUrl}/cases/{Uri.EscapeDataString(caseId)}");
        await Assertions.Expect(socialCase.GetByTestId("acknowledgement")).ToContainTextAsync("Ännu inte kvitterat", new() { Timeout = 20_000 });
        var clicked = System.Diagnostics.Stopwatch.StartNew();
        await counsellorPage.GetByTestId("acknowledge").ClickAsync();
        await Assertions.Expect(counsellorPage.GetByTestId("acknowledgement")).ToContainTextAsync("Kvitterat av Maria Dahl", new() { Timeout = 20_000 });
        await Assertions.Expect(counsellorPage.Locator("h1 [data-status]")).ToHaveTextAsync("Kvitterat");
        await counsellorPage.GetByRole(AriaRole.Link, new() { Name = "← Tillbaka till översikten" }).ClickAsync();
        await Assertions.Expect(counsellorPage.Locator($"li[data-alert='{alertId}'] .alert-state")).ToHaveTextAsync("Kvitterad", new() { Timeout = 20_000 });

        // The social worker's pages (the overview and the case) follow, without reload.
        await Assertions.Expect(socialRow.Locator("[data-status]")).ToHaveTextAsync("Kvitterat", new() { Timeout = 20_000 });
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"Acknowledged in one browser, seen in the other after {clicked.ElapsedMilliseconds} ms (click, commit, signal, re-read, render, Playwright's polling).");
        await Assertions.Expect(socialCase.GetByTestId("acknowledgement")).ToContainTextAsync("Kvitterat av Maria Dahl", new() { Timeout = 20_000 });
        await Screenshots.SaveAsync(counsellorPage, "case-page-acknowledged");
        await Screenshots.SaveAsync(socialPage, "social-services-after-acknowledgement");
    }

    [Fact]
    public async Task Coordinator_SeesCountsChangeLive_AndNoChildIdentity()
    {
        await using var host = await DashboardHost.StartAsync(postgres);
        await using var context = await browser.Browser.NewContextAsync(Laptop);
        var page = await SignInAsync(context, host, "helena.samordnare");
        var open = await host.ScalarAsync("select count(*) from coord_cases where status <> 'Closed'");
        var openFigure = page.GetByTestId("open-cases").Locator(".figure-value");
        await Assertions.Expect(openFigure).ToHaveTextAsync(open.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 20_000 });
        var sodra = await host.ScalarAsync("select count(*) from coord_cases where school_id = 's-sodraskolan' and status <> 'Closed'");

        // A pupil's absence crosses the threshold: a new case somewhere in the municipality.
        var pupil = DemoData.ChildKey(31).Value;
        using var feed = host.Feed();
        var absences = await feed.PostAsJsonAsync(
            "/api/v1/absences/batch", new { items = host.Registrations(pupil, Sodraskolan, days: 20, absentDays: 6) }, TestContext.Current.CancellationToken);
        absences.StatusCode.ShouldBe(HttpStatusCode.Accepted, await absences.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_cases where child_key = $1", pupil) == 1, "the new case");

        await Assertions.Expect(openFigure).ToHaveTextAsync((open + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 20_000 });
        await Assertions.Expect(page.GetByTestId("by-school").Locator("tr[data-key='s-sodraskolan'] td.num"))
            .ToHaveTextAsync((sodra + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 20_000 });
        // Overdue case work as counts: the demo's placed children may already have follow-ups overdue.
        const string Flagged = "select count(*) from coord_case_work where status <> 'Closed' and (overdue_actions > 0 or vacancies > 0 or sip_overdue or placement_overdue > 0)";
        var flagged = await host.ScalarAsync(Flagged);
        var overdueFigure = page.GetByTestId("overdue-follow-ups").Locator(".figure-value");
        await Assertions.Expect(overdueFigure).ToHaveTextAsync(flagged.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Karin takes the lead of a case and is then deactivated: her lead is a vacant role, overdue case work that the
        // coordinator sees as a count.
        var norrCase = (await host.TextAsync(
            "select case_id from coord_cases where school_id = 's-norrskolan' and kind = 'AbsenceFollowUp' order by opened_at, case_id limit 1"))!;
        using (var karin = await host.ClientForAsync("karin.kurator"))
        {
            var lead = await karin.PostAsJsonAsync($"/api/v1/cases/{Uri.EscapeDataString(norrCase)}/lead", new { }, TestContext.Current.CancellationToken);
            lead.StatusCode.ShouldBe(HttpStatusCode.OK, await lead.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from actor_grain_outbox") == 0, "the lead's role tracked");
        var deactivate = await feed.PostAsync("/api/v1/staff/karin.kurator/deactivate", null, TestContext.Current.CancellationToken);
        deactivate.StatusCode.ShouldBe(HttpStatusCode.OK, await deactivate.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        await Assertions.Expect(overdueFigure).ToHaveTextAsync((flagged + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 20_000 });
        await Assertions.Expect(page.GetByTestId("overdue-work").Locator("tr[data-key='vacancies'] td.num")).ToHaveTextAsync("1", new() { Timeout = 20_000 });
        (await host.ScalarAsync(Flagged)).ShouldBe(flagged + 1);

        // A zero is a figure without a bar; a count above zero has its bar.
        (await page.Locator("table.counts tr:has(td.num:text-is('0'))").CountAsync()).ShouldBeGreaterThan(0);
        (await page.Locator("table.counts tr:has(td.num:text-is('0')) .bar").CountAsync()).ShouldBe(0);
        (await page.GetByTestId("overdue-work").Locator("tr[data-key='vacancies'] .bar").CountAsync()).ShouldBe(1);
        await Screenshots.SaveAsync(page, "coordinator-overview");

        // Aggregates only: no child's key anywhere on the page.
        var html = await page.ContentAsync();
        foreach (var key in await host.TextsAsync("select child_key from coord_cases union select child_key from coord_children"))
        {
            html.ShouldNotContain(key[..10]);
        }

        html.ShouldNotContain("c_");
    }

    [Fact]
    public async Task CasePage_ThatLosesItsConnection_SaysSo_AndCatchesUpWhenBack()
    {
        await using var host = await DashboardHost.StartAsync(postgres);
        var caseId = (await host.TextAsync(
            "select case_id from coord_cases where school_id = 's-norrskolan' and acknowledged_at is null order by opened_at, case_id limit 1"))!;
        await using var proxy = new TcpProxy(host.Port);
        var through = $"http://127.0.0.1:{proxy.Port}";
        await using var context = await browser.Browser.NewContextAsync(Laptop);
        var page = await SignInAsync(context, host, "karin.kurator", through);
        await page.GotoAsync($"{through}/cases/{Uri.EscapeDataString(caseId)}");
        await Assertions.Expect(page.GetByTestId("acknowledgement")).ToContainTextAsync("Ännu inte kvitterat", new() { Timeout = 20_000 });

        // The network goes; meanwhile the principal acknowledges the case through the API.
        proxy.Cut();
        var banner = page.Locator("#components-reconnect-modal .reconnect-lost");
        await Assertions.Expect(banner).ToBeVisibleAsync(Visible);
        await Assertions.Expect(banner).ToHaveTextAsync("Anslutningen bröts – återansluter…");
        await Screenshots.SaveAsync(page, "case-page-connection-lost");
        using var principal = await host.ClientForAsync("anna.rektor");
        var acknowledge = await principal.PostAsync($"/api/v1/cases/{Uri.EscapeDataString(caseId)}/acknowledge", null, TestContext.Current.CancellationToken);
        acknowledge.StatusCode.ShouldBe(HttpStatusCode.OK, await acknowledge.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        // The network returns: the banner goes and the page shows what happened meanwhile, without reload.
        proxy.Restore();
        await Assertions.Expect(banner).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("acknowledgement")).ToContainTextAsync("Kvitterat av Anna Lindqvist", new() { Timeout = 30_000 });
    }

    [Fact]
    public async Task CasePage_WorksByKeyboard_AndClosesACaseWithAReason_AskingForANoteWhenTheReasonIsOther()
    {
        await using var host = await DashboardHost.StartAsync(postgres);
        var caseId = (await host.TextAsync(
            "select case_id from coord_cases where school_id = 's-norrskolan' and status = 'Open' order by opened_at, case_id limit 1"))!;
        await using var context = await browser.Browser.NewContextAsync(Tablet);
        var page = await SignInAsync(context, host, "karin.kurator");
        await page.GotoAsync($"{host.BaseUrl}/cases/{Uri.EscapeDataString(caseId)}");
        await Assertions.Expect(page.Locator("h1 [data-status]")).ToHaveTextAsync("Nytt", new() { Timeout = 20_000 });

        // Keyboard only: Tab to the acknowledge button and press Enter.
        var acknowledgeButton = page.GetByTestId("acknowledge");
        for (var presses = 0; presses < 40 && !await acknowledgeButton.EvaluateAsync<bool>("b => b === document.activeElement"); presses++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        await Assertions.Expect(acknowledgeButton).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("acknowledgement")).ToContainTextAsync("Kvitterat av Karin Berg", new() { Timeout = 20_000 });

        // "Other" needs a note: refused on the page, nothing sent.
        await page.GetByLabel("Skäl", new() { Exact = true }).SelectOptionAsync("Other");
        await page.GetByRole(AriaRole.Button, new() { Name = "Avsluta ärendet" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Skriv en kommentar när skälet är Annat.")).ToBeVisibleAsync(Visible);
        (await host.TextAsync("select status from coord_cases where case_id = $1", caseId)).ShouldBe("Acknowledged");

        // With a reason of its own it closes; the page says how it ended.
        await page.GetByLabel("Skäl", new() { Exact = true }).SelectOptionAsync("Duplicate");
        await page.GetByRole(AriaRole.Button, new() { Name = "Avsluta ärendet" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1 [data-status]")).ToHaveTextAsync("Avslutat", new() { Timeout = 20_000 });
        await Assertions.Expect(page.GetByText("Ärendet är avslutat: Dubblett.")).ToBeVisibleAsync(Visible);
        (await host.TextAsync("select status from coord_cases where case_id = $1", caseId)).ShouldBe("Closed");
        (await host.ScalarAsync(
            "select count(*) from audit_log where staff_id = 'karin.kurator' and action = 'write' and resource = $1", $"dashboard case/{caseId}")).ShouldBeGreaterThan(0);
        await Screenshots.SaveAsync(page, "case-page-closed-tablet");
    }

    [Fact]
    public async Task CasePage_TakesTheLead_AddsAPlanAction_AndRecordsAMeeting_WhichAnotherParticipantSeesWithoutReload()
    {
        await using var host = await DashboardHost.StartAsync(postgres);
        var caseId = (await host.TextAsync(
            "select case_id from coord_cases where school_id = 's-norrskolan' and status = 'Open' order by opened_at, case_id limit 1"))!;
        var today = Samverkan.Domain.Calendar.SwedishTime.DateOf(host.Time.GetUtcNow());
        await using var counsellor = await browser.Browser.NewContextAsync(Laptop);
        await using var principal = await browser.Browser.NewContextAsync(Tablet);
        var page = await SignInAsync(counsellor, host, "karin.kurator");
        var other = await SignInAsync(principal, host, "anna.rektor");
        await page.GotoAsync($"{host.BaseUrl}/cases/{Uri.EscapeDataString(caseId)}");
        await other.GotoAsync($"{host.BaseUrl}/cases/{Uri.EscapeDataString(caseId)}");
        await Assertions.Expect(page.GetByTestId("take-lead")).ToBeVisibleAsync(Visible);
        await Assertions.Expect(other.GetByText("Ingen plan ännu.")).ToBeVisibleAsync(Visible);

        // Karin takes the lead: both pages say so, and her button goes.
        await Assertions.Expect(other.GetByTestId("lead")).ToHaveTextAsync("Ingen har samordningsansvar ännu.", new() { Timeout = 20_000 });
        await page.GetByTestId("take-lead").ClickAsync();
        await Assertions.Expect(page.GetByTestId("lead")).ToContainTextAsync("Samordningsansvar: Karin Berg", new() { Timeout = 20_000 });
        await Assertions.Expect(other.GetByTestId("lead")).ToContainTextAsync("Samordningsansvar: Karin Berg", new() { Timeout = 20_000 });
        await Assertions.Expect(page.GetByTestId("take-lead")).ToBeHiddenAsync(new() { Timeout = 20_000 });
        (await host.TextAsync("select lead_staff from coord_case_work where case_id = $1", caseId)).ShouldBe("karin.kurator");

        // A plan action owned by Karin, due in a week: Anna's open page shows it without reload.
        await page.GetByLabel("Åtgärd", new() { Exact = true }).FillAsync("Anpassad studiegång tre veckor");
        await page.GetByLabel("Ansvarig", new() { Exact = true }).SelectOptionAsync("karin.kurator");
        // Dates are typed the Swedish way whatever the browser's locale; another form is refused at the field.
        var due = page.GetByLabel("Klart senast", new() { Exact = true });
        (await due.GetAttributeAsync("placeholder")).ShouldBe("ÅÅÅÅ-MM-DD");
        await due.FillAsync("12/24/2026");
        await due.PressAsync("Tab");
        await Assertions.Expect(page.Locator("#plan-due-hint")).ToHaveTextAsync("Inget giltigt datum: skriv det som ÅÅÅÅ-MM-DD, till exempel 2026-12-24.");
        await Assertions.Expect(due).ToHaveAttributeAsync("aria-invalid", "true");
        await due.FillAsync(today.AddDays(7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await due.PressAsync("Tab");
        await Assertions.Expect(page.Locator("#plan-due-hint")).ToHaveTextAsync("Skriv datumet som ÅÅÅÅ-MM-DD.");
        var added = System.Diagnostics.Stopwatch.StartNew();
        await page.GetByTestId("plan-form").GetByRole(AriaRole.Button, new() { Name = "Spara" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("plan")).ToContainTextAsync("Anpassad studiegång tre veckor", new() { Timeout = 20_000 });
        var action = other.GetByTestId("plan").Locator("li", new() { HasText = "Anpassad studiegång tre veckor" });
        await Assertions.Expect(action).ToBeVisibleAsync(Visible);
        TestContext.Current.TestOutputHelper?.WriteLine($"A plan action added in one browser reached the other after {added.ElapsedMilliseconds} ms.");
        await Assertions.Expect(action).ToContainTextAsync("Karin Berg");
        await Assertions.Expect(action.Locator("[data-status]")).ToHaveTextAsync("Planerad");

        // Anna's organisation owns it (the school): she moves it on, and Karin's page follows.
        await action.GetByLabel("Ny status").SelectOptionAsync("InProgress");
        await action.GetByRole(AriaRole.Button, new() { Name = "Uppdatera" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("plan").Locator("li [data-status]")).ToHaveTextAsync("Pågår", new() { Timeout = 20_000 });

        // A meeting tomorrow at ten, then recorded as held with a decision and the next follow-up.
        await page.GetByLabel("Datum", new() { Exact = true }).FillAsync(today.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Klockslag", new() { Exact = true }).FillAsync("10:00");
        await page.GetByLabel("Syfte", new() { Exact = true }).FillAsync("Gemensam planering");
        await page.GetByTestId("meeting-form").GetByRole(AriaRole.Button, new() { Name = "Spara" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("meetings")).ToContainTextAsync("Gemensam planering", new() { Timeout = 20_000 });
        var held = page.GetByTestId("held-form");
        await Assertions.Expect(held.GetByLabel("Karin Berg")).ToBeCheckedAsync();
        await held.GetByLabel("Beslut (ett per rad)").FillAsync("Skolan anpassar schemat\nUppföljning om en månad");
        await held.GetByLabel("Nästa uppföljning").FillAsync(today.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await held.GetByLabel("Planen godkändes på mötet").CheckAsync();
        await held.GetByRole(AriaRole.Button, new() { Name = "Registrera" }).ClickAsync();
        var meeting = page.GetByTestId("meetings").Locator("li", new() { HasText = "Gemensam planering" });
        await Assertions.Expect(meeting).ToContainTextAsync("Hållet", new() { Timeout = 20_000 });
        await Assertions.Expect(meeting).ToContainTextAsync("Skolan anpassar schemat");
        await Assertions.Expect(meeting).ToContainTextAsync("Närvarande: Karin Berg");
        await Assertions.Expect(other.GetByTestId("meetings")).ToContainTextAsync("Uppföljning om en månad", new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("p", new() { HasText = "Planen godkändes" })).ToBeVisibleAsync(Visible);
        (await host.ScalarAsync(
            "select count(*) from coord_case_work where case_id = $1 and open_actions = 1 and next_follow_up_on is not null and plan_agreed_at is not null", caseId))
            .ShouldBe(1);
        (await host.ScalarAsync(
            "select count(*) from audit_log where staff_id = 'karin.kurator' and action = 'write' and resource = $1", $"dashboard case/{caseId}")).ShouldBeGreaterThanOrEqualTo(4);
        await Screenshots.SaveAsync(page, "case-page-case-work");
        await Screenshots.SaveAsync(other, "case-page-case-work-other-participant");
    }

    [Fact]
    public async Task OpenPage_WhenTheSessionExpires_StopsShowingData_AndAsksToSignInAgain()
    {
        await using var host = await DashboardHost.StartAsync(postgres);
        var caseId = (await host.TextAsync(
            "select case_id from coord_cases where school_id = 's-norrskolan' order by opened_at, case_id limit 1"))!;
        await using var context = await browser.Browser.NewContextAsync(Laptop);
        var page = await SignInAsync(context, host, "karin.kurator");
        await page.GotoAsync($"{host.BaseUrl}/cases/{Uri.EscapeDataString(caseId)}");
        await Assertions.Expect(page.GetByTestId("acknowledgement")).ToBeVisibleAsync(Visible);

        // The session lasts at most ten hours (Samverkan:Authentication:MaxSessionLifetime); the clock passes that.
        host.Time.Advance(TimeSpan.FromHours(11));
        await Assertions.Expect(page.GetByTestId("session-expired")).ToBeVisibleAsync(Visible);
        await Assertions.Expect(page.GetByTestId("acknowledgement")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("timeline")).ToHaveCountAsync(0);
        (await page.ContentAsync()).ShouldNotContain("Karin Berg");
        await Screenshots.SaveAsync(page, "session-expired");

        // Signing in again is a fresh page load: the expired cookie sends the browser to sign in.
        await page.GetByRole(AriaRole.Button, new() { Name = "Logga in igen" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/dev/signin", StringComparison.Ordinal), new() { Timeout = 20_000 });
    }

    [Fact]
    public async Task Dashboard_WithoutSession_RedirectsToSignIn_AndSpeaksEnglishOnRequest()
    {
        await using var host = await DashboardHost.StartAsync(postgres);
        await using var context = await browser.Browser.NewContextAsync(Laptop);
        var page = await context.NewPageAsync();
        await page.GotoAsync(host.BaseUrl + "/");
        page.Url.ShouldStartWith(host.BaseUrl + "/dev/signin?returnUrl=");

        var signedIn = await SignInAsync(context, host, "ahmed.socialsekreterare");
        await Assertions.Expect(signedIn.GetByRole(AriaRole.Heading, new() { Name = "Orosanmälningar som väntar på beslut" })).ToBeVisibleAsync(Visible);
        await signedIn.GetByRole(AriaRole.Button, new() { Name = "In English" }).ClickAsync();
        await Assertions.Expect(signedIn.GetByRole(AriaRole.Heading, new() { Name = "Reports of concern awaiting a decision" })).ToBeVisibleAsync(Visible);
        (await signedIn.Locator("html").GetAttributeAsync("lang")).ShouldBe("en");
        await Screenshots.SaveAsync(signedIn, "social-services-overview-english");
    }

    private static BrowserNewContextOptions Laptop => new() { ViewportSize = new() { Width = 1366, Height = 900 }, Locale = "sv-SE" };

    private static BrowserNewContextOptions Tablet => new() { ViewportSize = new() { Width = 820, Height = 1180 }, Locale = "sv-SE", HasTouch = true };

    /// <summary>Opens the dashboard, is sent to the Development sign-in, signs in as <paramref name="staff"/> and lands on the overview.</summary>
    private static async Task<IPage> SignInAsync(IBrowserContext context, DashboardHost host, string staff, string? baseUrl = null)
    {
        baseUrl ??= host.BaseUrl;
        var page = await context.NewPageAsync();
        await page.GotoAsync(baseUrl + "/");
        await page.Locator("tr", new() { HasText = staff }).GetByRole(AriaRole.Button).ClickAsync();
        await page.WaitForURLAsync(baseUrl + "/");
        await Assertions.Expect(page.Locator("main h1")).ToBeVisibleAsync(Visible);
        return page;
    }
}
