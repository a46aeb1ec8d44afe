using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Samverkan.Host.Demo;
using Samverkan.Testing;

namespace Samverkan.Browser.Tests;

/// <summary>The operators' SS 12000 sources page (issue 15): the municipality's sources with their state, and "Synka nu".</summary>
public sealed class SchoolSyncPageTests(PostgresServerFixture postgres, BrowserFixture browser)
{
    private const string Source = "demo-skolsystem";
    private const string Secret = "page-test-secret-5b1e";

    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = 20_000 };

    private static BrowserNewContextOptions Laptop => new() { ViewportSize = new() { Width = 1366, Height = 900 }, Locale = "sv-SE" };

    [Fact]
    public async Task Operator_SeesTheSourcesState_AndSyncsNow_TheRunsErrorShows_OthersAreRefused()
    {
        await using var host = await DashboardHost.StartAsync(postgres);

        // A source whose system does not answer (a closed loopback port): its run ends with an error the page shows.
        using (var api = await host.ClientForAsync("olof.drift"))
        {
            var created = await api.PostAsJsonAsync($"/api/v1/municipalities/{DemoData.Municipality.Value}/school-sync/sources", new
            {
                id = Source,
                organisation = DemoData.SchoolOrganisation.Value,
                baseUrl = "http://127.0.0.1:9/ss12000/v2.1/",
                oauth = new { tokenUrl = "http://127.0.0.1:9/oauth2/token", clientId = "samverkan", clientSecret = Secret },
                schoolUnits = new[] { "s-norrskolan" },
                pollInterval = "01:00:00",
            }, TestContext.Current.CancellationToken);
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        await using var context = await browser.Browser.NewContextAsync(Laptop);
        var page = await host.SignInAsync(context, "olof.drift");
        await page.GetByTestId("school-sync-link").ClickAsync();
        await page.WaitForURLAsync(host.BaseUrl + "/school-sync");
        await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("SS 12000-källor");

        var row = page.GetByTestId("sync-sources").Locator($"tr[data-source='{Source}']");
        await Assertions.Expect(row.Locator("th[scope='row']")).ToHaveTextAsync(Source, new() { Timeout = 20_000 });
        await Assertions.Expect(row.GetByTestId("sync-success")).ToHaveTextAsync("Aldrig");
        await Assertions.Expect(row.GetByTestId("sync-error")).ToHaveTextAsync("–");

        await row.GetByRole(AriaRole.Button, new() { Name = $"Synka nu {Source}" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("sync-status")).ToHaveTextAsync($"Hämtning av {Source} startad.", new() { Timeout = 20_000 });

        // The run retries (1, 2, 4 … s) and stops; the page reads the state again by itself.
        await Assertions.Expect(row.GetByTestId("sync-error")).ToContainTextAsync("Unavailable", new() { Timeout = 120_000 });
        await Assertions.Expect(row.GetByTestId("sync-success")).ToHaveTextAsync("Aldrig");
        (await page.ContentAsync()).ShouldNotContain(Secret);
        await Axe.AssertNoSeriousViolationsAsync(page, "SS 12000 sources page (operator), a source with an error");
        await Screenshots.SaveAsync(page, "school-sync");

        // Not an operator: the page says so and shows no source.
        await using var counsellorContext = await browser.Browser.NewContextAsync(Laptop);
        var counsellor = await host.SignInAsync(counsellorContext, "karin.kurator");
        (await counsellor.GetByTestId("school-sync-link").CountAsync()).ShouldBe(0);
        await counsellor.GotoAsync(host.BaseUrl + "/school-sync");
        await Assertions.Expect(counsellor.GetByTestId("sync-refused")).ToBeVisibleAsync(Visible);
        (await counsellor.GetByTestId("sync-sources").CountAsync()).ShouldBe(0);
        await Axe.AssertNoSeriousViolationsAsync(counsellor, "SS 12000 sources page, refused");
    }
}
