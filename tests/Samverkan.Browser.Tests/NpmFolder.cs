using System.Diagnostics;
using System.Security.Cryptography;

namespace Samverkan.Browser.Tests;

/// <summary>
/// A folder of npm packages the tests use (<c>oidc/</c>: the OpenID Connect provider; <c>axe/</c>: axe-core), copied to
/// the output folder with its <c>package.json</c> and <c>package-lock.json</c> (exact versions). <c>npm ci</c> installs
/// it there, skipped when a stamp says the installed packages are those of this lock file (offline, from npm's cache,
/// when it has them). Callers install each folder once per run.
/// </summary>
internal static class NpmFolder
{
    public static async Task<string> InstallAsync(string name)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, name);
        var lockHash = Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(directory, "package-lock.json"))));
        var stamp = Path.Combine(directory, "node_modules", ".samverkan-lock-sha256");
        if (File.Exists(stamp) && await File.ReadAllTextAsync(stamp) == lockHash)
        {
            return directory;
        }

        var startInfo = new ProcessStartInfo("npm")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        foreach (var argument in new[] { "ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var npm = Process.Start(startInfo) ?? throw new InvalidOperationException("npm could not be started: install Debian's nodejs and npm (scripts/test.sh does it).");
        var output = npm.StandardOutput.ReadToEndAsync();
        var errors = npm.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await npm.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            npm.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"npm ci in {name}/ took longer than 5 minutes.");
        }

        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci in {name}/ failed ({npm.ExitCode}): {await output}{await errors}");
        }

        await File.WriteAllTextAsync(stamp, lockHash);
        return directory;
    }
}
