using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Samverkan.Testing;

namespace Samverkan.Browser.Tests;

/// <summary>
/// A real OpenID Connect provider (<c>oidc/provider.mjs</c>, npm's <c>oidc-provider</c> on Node) on a free port, issuer
/// <c>http://localhost:{port}</c>, for one Samverkan host. <c>npm ci</c> runs once per test run in the output folder
/// (skipped when the installed packages match <c>package-lock.json</c>); the process is stopped on dispose. Every
/// request the provider sees is an event (one JSON line on its stdout) that the tests can wait for.
/// </summary>
internal sealed class OidcProvider : IAsyncDisposable
{
    public const string ClientId = "samverkan";
    public const string ClientSecret = "samverkan-test-secret";
    public const string Loa2 = "http://id.elegnamnden.se/loa/1.0/loa2";
    public const string Loa3 = "http://id.elegnamnden.se/loa/1.0/loa3";

    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static string? _installed;

    private readonly Process _process;
    private readonly List<JsonElement> _events = [];
    private readonly StringBuilder _errors = new();
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private OidcProvider(Process process, int port)
    {
        _process = process;
        Issuer = $"http://localhost:{port}";
    }

    public string Issuer { get; }

    /// <summary>The host's settings for this provider: the dashboard's sign-in (with the provider's claim names) and bearer tokens.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Samverkan:Authentication:Issuer"] = Issuer,
        ["Samverkan:Authentication:Audience"] = ClientId,
        ["Samverkan:Authentication:JwksUri"] = Issuer + "/jwks",
        ["Samverkan:Authentication:OpenIdConnect:Authority"] = Issuer,
        ["Samverkan:Authentication:OpenIdConnect:ClientId"] = ClientId,
        ["Samverkan:Authentication:OpenIdConnect:ClientSecret"] = ClientSecret,
        ["Samverkan:Authentication:OpenIdConnect:Scopes:0"] = "openid",
        ["Samverkan:Authentication:OpenIdConnect:Scopes:1"] = "profile",
        ["Samverkan:Authentication:OpenIdConnect:Scopes:2"] = "samverkan",
        ["Samverkan:Authentication:OpenIdConnect:Claims:StaffId"] = "employee_id",
        ["Samverkan:Authentication:OpenIdConnect:Claims:Organisation"] = "organisation",
        ["Samverkan:Authentication:OpenIdConnect:Claims:Municipality"] = "kommunkod",
        ["Samverkan:Authentication:OpenIdConnect:Claims:Agency"] = "verksamhet",
        ["Samverkan:Authentication:OpenIdConnect:Claims:Roles"] = "behorigheter",
        ["Samverkan:Authentication:MinimumAssuranceLevel"] = Loa3,
    };

    /// <summary>Installs the provider's packages if needed and starts it for the Samverkan host at <paramref name="samverkanBaseUrl"/>.</summary>
    public static async Task<OidcProvider> StartAsync(string samverkanBaseUrl)
    {
        var directory = await InstallAsync();
        var port = FreePort.Next();
        var startInfo = new ProcessStartInfo("node")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        startInfo.ArgumentList.Add("provider.mjs");
        startInfo.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        startInfo.ArgumentList.Add(samverkanBaseUrl);
        startInfo.Environment["DEBUG"] = "";
        var process = new Process { StartInfo = startInfo };
        var provider = new OidcProvider(process, port);
        process.OutputDataReceived += (_, e) => provider.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => provider.OnError(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var exited = process.WaitForExitAsync(TestContext.Current.CancellationToken);
            var first = await Task.WhenAny(provider._ready.Task, exited).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            if (first != provider._ready.Task)
            {
                throw new InvalidOperationException("The OpenID Connect provider exited before it was ready: " + provider.Errors);
            }
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }

        return provider;
    }

    public string Errors
    {
        get
        {
            lock (_lock)
            {
                return _errors.ToString();
            }
        }
    }

    /// <summary>The events named <paramref name="name"/> so far (e.g. <c>authorization</c>, <c>login_page</c>, <c>login</c>, <c>end_session.success</c>).</summary>
    public IReadOnlyList<JsonElement> Events(string name)
    {
        lock (_lock)
        {
            return [.. _events.Where(e => e.GetProperty("event").GetString() == name)];
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the events (polling the collected lines), or fails after 20 s.</summary>
    public Task WaitUntilAsync(Func<OidcProvider, bool> condition, string what) =>
        DatabaseQueries.WaitUntilAsync(() => Task.FromResult(condition(this)), what, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50), null,
            TestContext.Current.CancellationToken);

    /// <summary>Every event so far, one JSON line each (for the test output).</summary>
    public string Transcript
    {
        get
        {
            lock (_lock)
            {
                return string.Join('\n', _events.Select(e => e.GetRawText()));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // The provider stops when its stdin closes; killed if it does not within 5 s.
                _process.StandardInput.Close();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await _process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync(CancellationToken.None);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void OnOutput(string? line)
    {
        if (string.IsNullOrWhiteSpace(line) || !line.StartsWith('{'))
        {
            return;
        }

        var element = JsonDocument.Parse(line).RootElement.Clone();
        lock (_lock)
        {
            _events.Add(element);
        }

        if (element.GetProperty("event").GetString() == "ready")
        {
            _ready.TrySetResult();
        }
    }

    private void OnError(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _errors.AppendLine(line);
        }
    }

    /// <summary>The provider's packages (<see cref="NpmFolder"/>), installed once per run.</summary>
    private static async Task<string> InstallAsync()
    {
        await InstallLock.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            return _installed ??= await NpmFolder.InstallAsync("oidc");
        }
        finally
        {
            InstallLock.Release();
        }
    }
}
