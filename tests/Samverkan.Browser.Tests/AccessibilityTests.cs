using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Samverkan.Host.Demo;
using Samverkan.Testing;

namespace Samverkan.Browser.Tests;

/// <summary>
/// WCAG 2.1 AA as far as a machine can tell: axe-core on every page and main view state (<see cref="Axe"/>, failing on
/// serious or critical violations), and a main task done with the keyboard only.
/// </summary>
public sealed class AccessibilityTests(PostgresServerFixture postgres, BrowserFixture browser)
{
    private const string Sodraskolan = "s-sodraskolan";

    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = 20_000 };

    private static BrowserNewContextOptions Laptop => new() { ViewportSize = new() { Width = 1366, Height = 900 }, Locale = "sv-SE" };

    private static BrowserNewContextOptions Phone => new() { ViewportSize = new() { Width = 390, Height = 844 }, Locale = "en-US", HasTouch = true };

    [Fact]
    public async Task EveryPage_AndMainViewState_HasNoSeriousOrCriticalAxeViolation()
    {
        await using var host = await DashboardHost.StartAsync(postgres);
        var (caseId, alertId) = await AlertForMariaAsync(host);

        // The check itself finds what it should: an image without a text alternative and a field without a label.
        await using (var blank = await browser.Browser.NewContextAsync(Laptop))
        {
            var bad = await blank.NewPageAsync();
            await bad.SetContentAsync("<!doctype html><html lang=\"sv\"><head><title>t</title></head><body><main><h1>t</h1><img src=\"x.png\"><input type=\"text\"></main></body></html>");
            var found = (await Axe.SeriousViolationsAsync(bad)).Select(v => v.GetProperty("id").GetString()).ToList();
            found.ShouldContain("image-alt");
            found.ShouldContain("label");
        }

        // The sign-in page (Development), before any session.
        await using var counsellor = await browser.Browser.NewContextAsync(Laptop);
        var page = await counsellor.NewPageAsync();
        await page.GotoAsync(host.BaseUrl + "/");
        await Assertions.Expect(page.Locator("tr", new() { HasText = "maria.kurator" })).ToBeVisibleAsync(Visible);
        await Axe.AssertNoSeriousViolationsAsync(page, "sign-in (Development)");

        // The counsellor's overview with an alert card, in Swedish and in English.
        await page.Locator("tr", new() { HasText = "maria.kurator" }).GetByRole(AriaRole.Button).ClickAsync();
        await page.WaitForURLAsync(host.BaseUrl + "/");
        var alert = page.Locator($"li[data-alert='{alertId}']");
        await Assertions.Expect(alert).ToBeVisibleAsync(Visible);
        await Assertions.Expect(alert.GetByTestId("alert-school")).ToBeVisibleAsync(Visible);
        await Axe.AssertNoSeriousViolationsAsync(page, "school team overview with a new alert");
        await page.GetByRole(AriaRole.Button, new() { Name = "In English" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My alerts" })).ToBeVisibleAsync(Visible);
        await Assertions.Expect(alert).ToBeVisibleAsync(Visible);
        await Axe.AssertNoSeriousViolationsAsync(page, "school team overview in English");
        await page.GetByRole(AriaRole.Button, new() { Name = "På svenska" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Mina aviseringar" })).ToBeVisibleAsync(Visible);

        // The case page: open, with a date typed wrong (the field marked invalid), then acknowledged.
        await page.GotoAsync($"{host.BaseUrl}/cases/{Uri.EscapeDataString(caseId)}");
        await Assertions.Expect(page.GetByTestId("acknowledge")).ToBeVisibleAsync(Visible);
        await Assertions.Expect(page.GetByTestId("timeline")).ToBeVisibleAsync(Visible);
        await Axe.AssertNoSeriousViolationsAsync(page, "case page, waiting for acknowledgement");
        var due = page.GetByLabel("Klart senast", new() { Exact = true });
        if (await due.CountAsync() > 0)
        {
            await due.FillAsync("12/24/2026");
            await due.PressAsync("Tab");
            await Assertions.Expect(due).ToHaveAttributeAsync("aria-invalid", "true");
            await Axe.AssertNoSeriousViolationsAsync(page, "case page, a date field marked invalid");
        }

        await page.GetByTestId("acknowledge").ClickAsync();
        await Assertions.Expect(page.GetByTestId("acknowledgement")).ToContainTextAsync("Kvitterat av", new() { Timeout = 20_000 });
        await Axe.AssertNoSeriousViolationsAsync(page, "case page, acknowledged");

        // The same case in English: the timeline is worded in English too, dates in the English style.
        await page.GetByRole(AriaRole.Button, new() { Name = "In English" }).ClickAsync();
        var timeline = page.GetByTestId("timeline");
        await Assertions.Expect(timeline).ToContainTextAsync("Joint case opened: ", new() { Timeout = 20_000 });
        await Assertions.Expect(timeline).ToContainTextAsync("The case was acknowledged");
        (await timeline.TextContentAsync())!.ShouldNotContain("Samverkansärende");
        (await page.Locator("html").GetAttributeAsync("lang")).ShouldBe("en");
        await Axe.AssertNoSeriousViolationsAsync(page, "case page in English");
        await page.GetByRole(AriaRole.Button, new() { Name = "På svenska" }).ClickAsync();
        await Assertions.Expect(timeline).ToContainTextAsync("Ärendet kvitterades", new() { Timeout = 20_000 });

        // A case that does not exist (or may not be seen).
        await page.GotoAsync($"{host.BaseUrl}/cases/no-such-case");
        await Assertions.Expect(page.Locator("main [role='alert']")).ToBeVisibleAsync(Visible);
        await Axe.AssertNoSeriousViolationsAsync(page, "case page, not found");

        // Social services, the coordinator (overview and statistics) and the region's coordinator.
        foreach (var (staff, state, heading) in new[]
        {
            ("ahmed.socialsekreterare", "social services overview", "Barn under bevakning"),
            ("helena.samordnare", "coordinator overview", "Per status"),
            ("rebecka.regionsamordnare", "region's overview", "Regional samordning"),
        })
        {
            await using var context = await browser.Browser.NewContextAsync(Laptop);
            var other = await host.SignInAsync(context, staff);
            await Assertions.Expect(other.Locator("h1, h2", new() { HasText = heading }).First).ToBeVisibleAsync(Visible);
            await Axe.AssertNoSeriousViolationsAsync(other, state);
            if (staff != "ahmed.socialsekreterare")
            {
                await other.GetByRole(AriaRole.Link, new() { Name = "Statistik över tid och export" }).ClickAsync();
                await other.WaitForURLAsync(host.BaseUrl + "/statistics");
                await Assertions.Expect(other.GetByTestId("stats-totals").Locator("caption")).ToBeVisibleAsync(Visible);
                await Axe.AssertNoSeriousViolationsAsync(other, $"statistics ({staff})");
            }
        }

        // A phone-sized screen in an English-locale browser: the Swedish view still.
        await using var phone = await browser.Browser.NewContextAsync(Phone);
        var small = await host.SignInAsync(phone, "maria.kurator");
        await Assertions.Expect(small.Locator($"li[data-alert='{alertId}']")).ToBeVisibleAsync(Visible);
        await Axe.AssertNoSeriousViolationsAsync(small, "school team overview on a phone");
    }

    [Fact]
    public async Task Counsellor_OpensAnAlertsCase_AndAcknowledgesIt_WithTheKeyboardOnly()
    {
        await using var host = await DashboardHost.StartAsync(postgres);
        var (caseId, alertId) = await AlertForMariaAsync(host);
        await using var context = await browser.Browser.NewContextAsync(Laptop);
        var page = await host.SignInAsync(context, "maria.kurator");
        var alert = page.Locator($"li[data-alert='{alertId}']");
        await Assertions.Expect(alert).ToBeVisibleAsync(Visible);

        // From the top of the page: Tab to the alert's "Öppna ärendet", Enter.
        await page.Locator("body").FocusAsync();
        await TabToAsync(page, $"li[data-alert='{alertId}'] a.button");
        (await page.EvaluateAsync<string>("() => document.activeElement.textContent.trim()")).ShouldBe("Öppna ärendet");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync($"{host.BaseUrl}/cases/{Uri.EscapeDataString(caseId)}", new() { Timeout = 20_000 });
        await Assertions.Expect(page.GetByTestId("acknowledge")).ToBeVisibleAsync(Visible);

        // The page has moved the focus to its heading; on to "Kvittera ärendet", Enter.
        (await page.EvaluateAsync<string>("() => document.activeElement.tagName")).ShouldBe("H1");
        await TabToAsync(page, "[data-testid='acknowledge']");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("acknowledgement")).ToContainTextAsync("Kvitterat av Maria Dahl", new() { Timeout = 20_000 });
        (await host.TextAsync("select status from coord_cases where case_id = $1", caseId)).ShouldBe("Acknowledged");

        // Back to the overview by keyboard: the alert is acknowledged too.
        await page.Locator("body").FocusAsync();
        await TabToAsync(page, "p.back a");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator($"li[data-alert='{alertId}'] .alert-state")).ToHaveTextAsync("Kvitterad", new() { Timeout = 20_000 });
    }

    /// <summary>
    /// Presses Tab until the focused element matches <paramref name="selector"/> (at most 80 times; not at all when it is
    /// focused already); the focus must be visible.
    /// </summary>
    private static async Task TabToAsync(IPage page, string selector)
    {
        var visited = new List<string>();
        for (var i = 0; i < 80; i++)
        {
            if (i > 0 || !await page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector))
            {
                await page.Keyboard.PressAsync("Tab");
            }

            var focused = await page.EvaluateAsync<string?>(
                "s => { const e = document.activeElement; if (!e || e === document.body) return null; return e.matches(s) ? '' : (e.tagName + ' ' + (e.textContent || '').trim().slice(0, 40)); }",
                selector);
            if (focused == "")
            {
                var outline = await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle");
                outline.ShouldNotBe("none", $"the focus on {selector} is visible");
                return;
            }

            visited.Add(focused ?? "(body)");
        }

        throw new Xunit.Sdk.XunitException($"Tab never reached {selector}; it visited: {string.Join(" | ", visited)}");
    }

    /// <summary>A Södraskolan pupil's absence crosses the threshold: a case, and an alert to Maria (the counsellor).</summary>
    private static async Task<(string CaseId, long AlertId)> AlertForMariaAsync(DashboardHost host)
    {
        var pupil = DemoData.ChildKey(30).Value;
        using var feed = host.Feed();
        var absences = await feed.PostAsJsonAsync(
            "/api/v1/absences/batch", new { items = host.Registrations(pupil, Sodraskolan, days: 20, absentDays: 6) }, TestContext.Current.CancellationToken);
        absences.StatusCode.ShouldBe(HttpStatusCode.Accepted, await absences.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        await host.WaitUntilAsync(
            async () => await host.ScalarAsync("select count(*) from coord_alerts where staff_id = 'maria.kurator' and child_key = $1", pupil) > 0,
            "an alert to the counsellor");
        var caseId = (await host.TextAsync("select case_id from coord_cases where child_key = $1", pupil))!;
        var alertId = await host.ScalarAsync("select min(id) from coord_alerts where staff_id = 'maria.kurator' and child_key = $1", pupil);
        return (caseId, alertId);
    }
}
