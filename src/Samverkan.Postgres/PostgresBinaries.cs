using System.Diagnostics;
using System.Globalization;

namespace Samverkan.Postgres;

/// <summary>Finds the PostgreSQL server binaries (<c>initdb</c>, <c>pg_ctl</c>, <c>postgres</c>) on this machine.</summary>
public static class PostgresBinaries
{
    private static readonly string[] RequiredTools = ["initdb", "pg_ctl", "postgres"];

    /// <summary>
    /// The folder that holds <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>: from PATH (symbolic links resolved),
    /// else <c>pg_config --bindir</c>, else the highest <c>/usr/lib/postgresql/&lt;version&gt;/bin</c>; null when none is found.
    /// </summary>
    public static string? FindBinDirectory()
    {
        return FromPath() ?? FromPgConfig() ?? FromDebianLayout();
    }

    internal static bool HasServerTools(string directory)
    {
        return RequiredTools.All(tool => File.Exists(Path.Combine(directory, tool)));
    }

    private static string? FromPath()
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var initdb = Path.Combine(directory, "initdb");
            if (!File.Exists(initdb))
            {
                continue;
            }

            // Debian links /usr/local/bin/initdb and friends to /usr/lib/postgresql/N/bin: the real folder has them all.
            var target = new FileInfo(initdb).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? initdb;
            foreach (var candidate in new[] { Path.GetDirectoryName(target), directory })
            {
                if (candidate is not null && HasServerTools(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static string? FromPgConfig()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pg_config", "--bindir")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 && output.Length > 0 && HasServerTools(output) ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // pg_config is not installed.
            return null;
        }
    }

    private static string? FromDebianLayout()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.EnumerateDirectories(root)
            .Select(directory => (Directory: directory, Version: ParseVersion(Path.GetFileName(directory))))
            .Where(entry => entry.Version is not null)
            .OrderByDescending(entry => entry.Version)
            .Select(entry => Path.Combine(entry.Directory, "bin"))
            .FirstOrDefault(HasServerTools);
    }

    private static Version? ParseVersion(string name)
    {
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var major))
        {
            return new Version(major, 0);
        }

        return Version.TryParse(name, out var version) ? version : null;
    }
}
