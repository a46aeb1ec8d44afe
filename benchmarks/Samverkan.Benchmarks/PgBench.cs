using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using Samverkan.Postgres;

namespace Samverkan.Benchmarks;

/// <summary>pgbench -N (simple updates) against the same server: the baseline the actor figures are divided by.</summary>
internal static partial class PgBench
{
    public static async Task<double> RunAsync(LocalPostgresServer server, int clients, TimeSpan duration)
    {
        var bin = PostgresBinaries.FindBinDirectory() ?? throw new InvalidOperationException("PostgreSQL binaries not found.");
        var builder = new NpgsqlConnectionStringBuilder(await server.RecreateAsync("pgbench"));

        await RunToolAsync(bin, builder, ["-i", "-q", "-s", "10"]);
        var output = await RunToolAsync(bin, builder, ["-N", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", ((int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture)]);
        var match = TpsPattern().Match(output);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : throw new InvalidOperationException("pgbench printed no tps:\n" + output);
    }

    private static async Task<string> RunToolAsync(string bin, NpgsqlConnectionStringBuilder builder, string[] arguments)
    {
        var info = new ProcessStartInfo(Path.Combine(bin, "pgbench"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-h");
        info.ArgumentList.Add(builder.Host!);
        info.ArgumentList.Add("-p");
        info.ArgumentList.Add(builder.Port.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add("-U");
        info.ArgumentList.Add(builder.Username!);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.ArgumentList.Add(builder.Database!);
        info.Environment["PGPASSWORD"] = builder.Password;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pgbench failed: {await stderr}");
        }

        return await stdout + await stderr;
    }

    [GeneratedRegex(@"tps = ([0-9.]+)")]
    private static partial Regex TpsPattern();
}
