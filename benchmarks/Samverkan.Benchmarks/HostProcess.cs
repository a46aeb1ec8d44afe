using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Samverkan.Postgres;

namespace Samverkan.Benchmarks;

/// <summary>The real host (published as deployed, or the Release build) as its own process on a free loopback port, for benchmarks over HTTP.</summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;

    private HostProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>
    /// The host of the HTTP scenarios on a fresh database: no demo data, no rate limits, 8 MiB bodies, and the dev user
    /// <c>bench-feed</c> (the benchmark municipality's school system); <paramref name="more"/> adds settings.
    /// </summary>
    public static async Task<HostProcess> StartScenarioAsync(LocalPostgresServer server, string database, IReadOnlyDictionary<string, string>? more = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Samverkan:Demo:Enabled"] = "false",
            ["Samverkan:RateLimits:Enabled"] = "false",
            ["Samverkan:Http:MaxRequestBodyBytes"] = "8388608",
            ["Samverkan:DevUsers:0:Staff"] = "bench-feed",
            ["Samverkan:DevUsers:0:Name"] = "Benchmark feed",
            ["Samverkan:DevUsers:0:Organisation"] = IngestBenchmarks.Organisation,
            ["Samverkan:DevUsers:0:Municipality"] = IngestBenchmarks.Municipality,
            ["Samverkan:DevUsers:0:Agency"] = "School",
            ["Samverkan:DevUsers:0:Scope"] = "samverkan.ingest",
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return await StartAsync(await server.RecreateAsync(database), settings);
    }

    public static async Task<HostProcess> StartAsync(string connectionString, IReadOnlyDictionary<string, string> settings)
    {
        // scripts/bench.sh publishes the host as deployed (ReadyToRun) and names it; else the Release build output.
        var dll = Environment.GetEnvironmentVariable("SAMVERKAN_BENCH_HOST") is { Length: > 0 } published
            ? published
            : Path.Combine(RepositoryRoot(), "src", "Samverkan.Host", "bin", "Release", "net10.0", "Samverkan.Host.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Build or publish the host in Release first (scripts/bench.sh does).", dll);
        }

        var port = FreePort();
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)! };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["ConnectionStrings__Samverkan"] = connectionString;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("    host: " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new HostProcess(process, new Uri($"http://127.0.0.1:{port}"));
        using var client = new HttpClient { BaseAddress = host.Address };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return host;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                await host.DisposeAsync();
                throw new InvalidOperationException("The host did not become ready.");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>A bearer token from the Development issuer for a configured dev user.</summary>
    public async Task<string> TokenAsync(string user)
    {
        using var client = new HttpClient { BaseAddress = Address };
        var response = await client.PostAsJsonAsync("/dev/token", new { user });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Samverkan.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmarks from the repository.");
    }
}
