using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace Samverkan.Browser.Tests;

/// <summary>
/// Accessibility checks with axe-core (npm <c>axe-core</c>, pinned in <c>axe/package.json</c> and its lock file, installed
/// like the OpenID Connect provider): <see cref="AssertNoSeriousViolationsAsync"/> runs axe's WCAG 2.0/2.1 A and AA rules
/// on the page as it is and fails on any violation of impact <c>serious</c> or <c>critical</c>, naming the rule, the
/// elements and what to fix. axe is evaluated through the DevTools protocol, which the pages' Content-Security-Policy
/// does not stop (no script tag is added, and the page's own scripts are unchanged).
/// </summary>
internal static class Axe
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static string? _source;

    /// <summary>Fails with a readable list when axe finds a serious or critical violation on <paramref name="page"/>.</summary>
    public static async Task AssertNoSeriousViolationsAsync(IPage page, string state)
    {
        ArgumentNullException.ThrowIfNull(page);
        var violations = await SeriousViolationsAsync(page);
        if (violations.Count > 0)
        {
            throw new Xunit.Sdk.XunitException(Describe(state, page.Url, violations));
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"axe: no serious or critical violation in \"{state}\".");
    }

    /// <summary>The serious and critical violations of WCAG 2.0/2.1 A and AA rules on the page now.</summary>
    public static async Task<IReadOnlyList<JsonElement>> SeriousViolationsAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var source = await SourceAsync();
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            await page.EvaluateAsync(source);
        }

        var json = await page.EvaluateAsync<string>(
            """
            async () => {
                const result = await window.axe.run(document, {
                    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
                    resultTypes: ['violations'],
                });
                return JSON.stringify(result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical'));
            }
            """);
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(v => v.Clone())];
    }

    private static string Describe(string state, string url, IReadOnlyList<JsonElement> violations)
    {
        var text = new StringBuilder();
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"axe found {violations.Count} serious or critical accessibility violation(s) in \"{state}\" ({url}):");
        foreach (var violation in violations)
        {
            text.AppendLine().Append(System.Globalization.CultureInfo.InvariantCulture,
                $"- [{violation.GetProperty("impact").GetString()}] {violation.GetProperty("id").GetString()}: {violation.GetProperty("help").GetString()} ({violation.GetProperty("helpUrl").GetString()})");
            foreach (var node in violation.GetProperty("nodes").EnumerateArray().Take(5))
            {
                var target = string.Join(" ", node.GetProperty("target").EnumerateArray().Select(t => t.ToString()));
                var html = node.GetProperty("html").GetString() ?? "";
                var summary = (node.TryGetProperty("failureSummary", out var f) ? f.GetString() : null)?.ReplaceLineEndings(" ") ?? "";
                text.AppendLine().Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"    {target}: {(html.Length > 160 ? html[..160] + "…" : html)}").AppendLine().Append("      ").Append(summary);
            }
        }

        return text.ToString();
    }

    private static async Task<string> SourceAsync()
    {
        await InstallLock.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (_source is null)
            {
                var directory = await NpmFolder.InstallAsync("axe");
                _source = await File.ReadAllTextAsync(Path.Combine(directory, "node_modules", "axe-core", "axe.min.js"));
            }

            return _source;
        }
        finally
        {
            InstallLock.Release();
        }
    }
}
