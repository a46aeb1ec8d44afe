using System.Net;
using Microsoft.Playwright;
using Samverkan.Testing;

namespace Samverkan.Browser.Tests;

/// <summary>
/// Signing in to the dashboard outside Development through a real OpenID Connect provider (<see cref="OidcProvider"/>,
/// on another site than Samverkan's): code flow with PKCE, the provider's claim names mapped, the assurance level
/// stepped up with <c>acr_values</c>, sign-out here and at the provider, and an expired session.
/// </summary>
public sealed class OidcSignInTests(PostgresServerFixture postgres, BrowserFixture browser)
{
    // Budgets that hold on a busy machine (a sign-in is four redirects, a callback page and a Blazor circuit): seen to
    // take over 20 s with two suites running on 2 cores. They are waits for a page state, never a fixed delay.
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = 60_000 };
    private static readonly PageWaitForURLOptions Navigation = new() { Timeout = 60_000 };

    // Back on the dashboard once the navigation is committed: the page's own content is awaited next, so a load event
    // held up (or already past when the wait begins) cannot fail a sign-in that succeeded.
    private static readonly PageWaitForURLOptions Committed = new() { Timeout = 60_000, WaitUntil = WaitUntilState.Commit };

    private static BrowserNewContextOptions Laptop => new() { ViewportSize = new() { Width = 1366, Height = 900 }, Locale = "sv-SE" };

    [Fact]
    public async Task SignIn_ThroughTheProvider_LandsOnTheDashboardAsThePerson()
    {
        await using var setup = await SetUp.StartAsync(postgres);
        await using var context = await browser.Browser.NewContextAsync(Laptop);
        var page = await context.NewPageAsync();

        await page.GotoAsync(setup.Host.BaseUrl + "/");
        await LogInAtProviderAsync(page, setup.Provider, "karin.kurator", OidcProvider.Loa3);
        await ExpectDashboardAsync(page, setup.Host, "Karin Berg");

        // Code flow with PKCE (S256), our scopes, no acr_values on a first sign-in.
        var authorization = setup.Provider.Events("authorization").ShouldHaveSingleItem();
        authorization.GetProperty("response_type").GetString().ShouldBe("code");
        authorization.GetProperty("code_challenge_method").GetString().ShouldBe("S256");
        authorization.GetProperty("has_code_challenge").GetBoolean().ShouldBeTrue();
        authorization.GetProperty("scope").GetString()!.Split(' ').ShouldBe(["openid", "profile", "samverkan"], ignoreOrder: true);
        authorization.GetProperty("acr_values").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);

        // The session cookie: HttpOnly, Secure outside Development, Strict; the person's claims from the provider's names.
        var cookie = (await context.CookiesAsync()).Single(c => c.Name == "samverkan.session");
        cookie.HttpOnly.ShouldBeTrue();
        cookie.Secure.ShouldBeTrue();
        cookie.SameSite.ShouldBe(SameSiteAttribute.Strict);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Mina aviseringar" })).ToBeVisibleAsync(Visible);

        // The token-posting form is gone outside Development.
        using var client = new HttpClient { BaseAddress = new Uri(setup.Host.BaseUrl) };
        using var form = new FormUrlEncodedContent([new("token", "anything")]);
        var posted = await client.PostAsync("/signin", form, TestContext.Current.CancellationToken);
        posted.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        await Screenshots.SaveAsync(page, "oidc-signed-in");
    }

    [Fact]
    public async Task TooWeakSignIn_IsSteppedUpWithAcrValues_RefusedIfStillTooWeak_AndLandsWhenStrongEnough()
    {
        await using var setup = await SetUp.StartAsync(postgres);
        var idp = setup.Provider;
        await using var context = await browser.Browser.NewContextAsync(Laptop);
        var page = await context.NewPageAsync();

        // A password sign-in (LoA 2) is below the minimum (LoA 3): Samverkan sends the browser back with acr_values.
        await page.GotoAsync(setup.Host.BaseUrl + "/");
        await LogInAtProviderAsync(page, idp, "karin.kurator", OidcProvider.Loa2);
        await page.WaitForURLAsync(url => url.StartsWith(idp.Issuer + "/interaction/", StringComparison.Ordinal) && idp.Events("login_page").Count == 2, Navigation);
        await Assertions.Expect(page.GetByTestId("requested-acr")).ToContainTextAsync(OidcProvider.Loa3, new() { Timeout = 60_000 });
        var stepUp = idp.Events("authorization")[1];
        stepUp.GetProperty("acr_values").GetString()!.Split(' ').ShouldContain(OidcProvider.Loa3);
        stepUp.GetProperty("acr_values").GetString()!.Split(' ').ShouldNotContain(OidcProvider.Loa2);

        // Still LoA 2 after the step-up: refused with a page that says why, and no session.
        await LogInAtProviderAsync(page, idp, "karin.kurator", OidcProvider.Loa2);
        await Assertions.Expect(page.GetByTestId("signin-too-weak")).ToBeVisibleAsync(Visible);
        (await context.CookiesAsync()).ShouldNotContain(c => c.Name == "samverkan.session");
        await Screenshots.SaveAsync(page, "oidc-signin-too-weak");

        // Trying again: the provider's LoA 2 session is stepped up once more, and with LoA 3 the person lands.
        await page.GetByRole(AriaRole.Link, new() { Name = "Logga in igen" }).ClickAsync();
        await page.WaitForURLAsync(url => url.StartsWith(idp.Issuer + "/interaction/", StringComparison.Ordinal) && idp.Events("login_page").Count == 3, Navigation);
        await LogInAtProviderAsync(page, idp, "karin.kurator", OidcProvider.Loa3);
        await ExpectDashboardAsync(page, setup.Host, "Karin Berg");
        idp.Events("authorization").Count.ShouldBe(4);
        idp.Events("authorization")[3].GetProperty("acr_values").GetString()!.ShouldContain(OidcProvider.Loa3);
    }

    [Fact]
    public async Task SignOut_EndsTheSessionHereAndAtTheProvider()
    {
        await using var setup = await SetUp.StartAsync(postgres);
        var idp = setup.Provider;
        await using var context = await browser.Browser.NewContextAsync(Laptop);
        var page = await context.NewPageAsync();
        await page.GotoAsync(setup.Host.BaseUrl + "/");
        await LogInAtProviderAsync(page, idp, "ahmed.socialsekreterare", OidcProvider.Loa3);
        await ExpectDashboardAsync(page, setup.Host, "Ahmed Hassan");

        // Sign-out goes to the provider's end_session_endpoint with the id token as hint, and comes back signed out.
        await page.GetByRole(AriaRole.Button, new() { Name = "Logga ut" }).ClickAsync();
        await page.WaitForURLAsync(url => url.StartsWith(idp.Issuer, StringComparison.Ordinal), Navigation);
        await page.GetByRole(AriaRole.Button, new() { Name = "Ja, logga ut" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-out")).ToBeVisibleAsync(Visible);
        page.Url.ShouldStartWith(setup.Host.BaseUrl + "/signed-out");
        idp.Events("end_session_request").ShouldHaveSingleItem().GetProperty("has_id_token_hint").GetBoolean().ShouldBeTrue();
        idp.Events("end_session.success").ShouldHaveSingleItem();
        (await context.CookiesAsync()).ShouldNotContain(c => c.Name == "samverkan.session");

        // The dashboard needs a sign-in again, and so does the provider: its login page, not a silent sign-in.
        await page.GotoAsync(setup.Host.BaseUrl + "/");
        await page.WaitForURLAsync(url => url.StartsWith(idp.Issuer + "/interaction/", StringComparison.Ordinal), Navigation);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Logga in" })).ToBeVisibleAsync(Visible);
        idp.Events("login_page").Count.ShouldBe(2);
        idp.Events("login_page")[1].GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ShouldContain("no_session");
    }

    [Fact]
    public async Task ExpiredSession_SendsThePersonBackToSignIn()
    {
        await using var setup = await SetUp.StartAsync(postgres);
        var idp = setup.Provider;
        await using var context = await browser.Browser.NewContextAsync(Laptop);
        var page = await context.NewPageAsync();
        await page.GotoAsync(setup.Host.BaseUrl + "/");
        await LogInAtProviderAsync(page, idp, "karin.kurator", OidcProvider.Loa3);
        await ExpectDashboardAsync(page, setup.Host, "Karin Berg");

        // The session lasts at most ten hours from sign-in (MaxSessionLifetime, not sliding); the clock passes that.
        setup.Host.Time.Advance(TimeSpan.FromHours(11));
        await Assertions.Expect(page.GetByTestId("session-expired")).ToBeVisibleAsync(Visible);
        (await page.ContentAsync()).ShouldNotContain("Karin Berg");

        // Signing in again goes to the provider (whose own session still holds, so no login page) and back.
        await page.GetByRole(AriaRole.Button, new() { Name = "Logga in igen" }).ClickAsync();
        await idp.WaitUntilAsync(p => p.Events("authorization").Count == 2, "a second authorization request");
        await ExpectDashboardAsync(page, setup.Host, "Karin Berg");
        idp.Events("login").Count.ShouldBe(1);
    }

    private static async Task LogInAtProviderAsync(IPage page, OidcProvider idp, string account, string acr)
    {
        await page.WaitForURLAsync(url => url.StartsWith(idp.Issuer + "/interaction/", StringComparison.Ordinal), Navigation);
        await page.Locator("select[name=account]").SelectOptionAsync(account);
        await page.Locator($"input[name=acr][value='{acr}']").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();
    }

    private static async Task ExpectDashboardAsync(IPage page, DashboardHost host, string name)
    {
        try
        {
            await page.WaitForURLAsync(host.BaseUrl + "/", Committed);
            await Assertions.Expect(page.Locator(".who")).ToHaveTextAsync(name, new() { Timeout = 60_000 });
        }
        catch (Exception exception) when (exception is PlaywrightException or TimeoutException)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"The page instead ({page.Url}): " + await page.ContentAsync());
            throw;
        }
    }

    /// <summary>A provider for a host on a port chosen first (the provider's client knows the host's URLs), then the host.</summary>
    private sealed class SetUp : IAsyncDisposable
    {
        private SetUp(OidcProvider provider, DashboardHost host)
        {
            Provider = provider;
            Host = host;
        }

        public OidcProvider Provider { get; }

        public DashboardHost Host { get; }

        public static async Task<SetUp> StartAsync(PostgresServerFixture postgres)
        {
            var port = FreePort.Next();
            var provider = await OidcProvider.StartAsync($"http://127.0.0.1:{port}");
            try
            {
                return new SetUp(provider, await DashboardHost.StartWithSignInAsync(postgres, port, provider.Settings));
            }
            catch
            {
                await provider.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            TestContext.Current.TestOutputHelper?.WriteLine("The provider saw:\n" + Provider.Transcript + "\n" + Provider.Errors);
            await Host.DisposeAsync();
            await Provider.DisposeAsync();
        }
    }
}
