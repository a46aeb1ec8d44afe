using Microsoft.Playwright;
using Samverkan.Domain.Statistics;
using Samverkan.Host.Demo;
using Samverkan.Testing;

namespace Samverkan.Browser.Tests;

/// <summary>The statistics page (issue 16): the coordinator's and the region's coordinator's tables, small counts hidden, the CSV link.</summary>
public sealed class StatisticsPageTests(PostgresServerFixture postgres, BrowserFixture browser)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = 20_000 };

    private static BrowserNewContextOptions Laptop => new() { ViewportSize = new() { Width = 1366, Height = 900 }, Locale = "sv-SE" };

    [Fact]
    public async Task Coordinator_OpensTheStatistics_SeesProtectedCountsInATable_AndDownloadsTheCsv_RegionSeesItsMunicipalities()
    {
        await using var host = await DashboardHost.StartAsync(postgres);
        await using var context = await browser.Browser.NewContextAsync(Laptop);
        var page = await host.SignInAsync(context, "helena.samordnare");
        await page.GetByTestId("stats-link").ClickAsync();
        await page.WaitForURLAsync(host.BaseUrl + "/statistics");

        var totals = page.GetByTestId("stats-totals");
        await Assertions.Expect(totals.Locator("caption")).ToContainTextAsync("Per kommun och period", new() { Timeout = 20_000 });
        (await totals.Locator("thead th[scope='col']").CountAsync()).ShouldBe(9);

        // This month's row: cases opened as the protection shows them (the demo's school × kind cells, each 1–4 → "< 5").
        var today = Samverkan.Domain.Calendar.SwedishTime.DateOf(host.Time.GetUtcNow());
        var month = StatisticsRange.Label(PeriodKind.Month, today);
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        // Every school × kind cell of this month, as the statistics group them (a protected child's case under no school).
        var cells = new List<long>();
        await using (var command = host.Database.CreateCommand(
            """
            select count(*) from coord_cases
             where municipality = $1 and (opened_at at time zone 'Europe/Stockholm')::date >= $2
             group by case when protected_identity then null else school_id end, kind
            """))
        {
            command.Parameters.AddWithValue(DemoData.Municipality.Value);
            command.Parameters.AddWithValue(monthStart);
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                cells.Add(reader.GetInt64(0));
            }
        }

        cells.Sum().ShouldBeGreaterThan(0, "the demo opens cases");
        var row = totals.Locator($"tr[data-period='{month}'][data-municipality='{DemoData.Municipality.Value}']");
        await Assertions.Expect(row.Locator("th[scope='row']")).ToHaveTextAsync(month);
        var expected = SmallCounts.Total(cells).Text;
        await Assertions.Expect(row.Locator("td.num").First).ToHaveTextAsync(expected);
        (await page.ContentAsync()).ShouldNotContain("c_", customMessage: "no child key on the statistics page");
        await Screenshots.SaveAsync(page, "statistics");

        // The CSV: same protection, with the page's session.
        var href = await page.GetByTestId("stats-csv").GetAttributeAsync("href");
        var csv = await page.APIRequest.GetAsync(host.BaseUrl + href);
        csv.Status.ShouldBe(200);
        csv.Headers["content-type"].ShouldStartWith("text/csv");
        var text = await csv.TextAsync();
        text.ShouldStartWith("section,period,municipality,school,kind,measure,value");
        text.ShouldContain($"municipality,{month},{DemoData.Municipality.Value},,,casesOpened,{expected}");
        text.ShouldNotContain("c_");

        // By week: a GET form, the same table.
        await page.Locator("#stats-period").SelectOptionAsync("week");
        await page.GetByRole(AriaRole.Button, new() { Name = "Visa" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("stats-totals").Locator("tbody th[scope='row']").First).ToContainTextAsync("-W", new() { Timeout = 20_000 });

        // The region's coordinator: the overview is the link; the statistics show the region's municipality.
        await using var regionContext = await browser.Browser.NewContextAsync(Laptop);
        var region = await host.SignInAsync(regionContext, "rebecka.regionsamordnare");
        await Assertions.Expect(region.Locator("main h1")).ToHaveTextAsync("Regional samordning");
        await region.GetByTestId("stats-link").ClickAsync();
        await Assertions.Expect(region.GetByTestId("stats-totals").Locator($"tr[data-municipality='{DemoData.Municipality.Value}']").First).ToBeVisibleAsync(Visible);

        // A counsellor is refused.
        await using var counsellorContext = await browser.Browser.NewContextAsync(Laptop);
        var counsellor = await host.SignInAsync(counsellorContext, "karin.kurator");
        await counsellor.GotoAsync(host.BaseUrl + "/statistics");
        await Assertions.Expect(counsellor.GetByTestId("stats-refused")).ToBeVisibleAsync(Visible);
        (await counsellor.GetByTestId("stats-totals").CountAsync()).ShouldBe(0);
    }
}
