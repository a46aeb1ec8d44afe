using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Samverkan.Testing;

namespace Samverkan.Host.Tests;

/// <summary>The host as the README runs it: a real process, stopped by signals.</summary>
public sealed class HostProcessTests(PostgresServerFixture postgres)
{
    // Budgets for conditions, not sleeps: generous enough for a loaded 2-core machine (CI may share it).
    private static readonly TimeSpan ReadyWithin = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StopWithin = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan MigrateWithin = TimeSpan.FromMinutes(2);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HostWithoutConnectionString_RunsPrivatePostgresThatStopsWithItAndKeepsData()
    {
        var dataDirectory = NewDataDirectory();
        try
        {
            int postgresPid;
            int postgresPort;
            await using (var host = StartEmbedded(dataDirectory, out var url))
            {
                (await host.WaitUntilOkAsync(url + "/health/ready", ReadyWithin, Token)).ShouldBeTrue(host.Output);
                (postgresPid, postgresPort) = (ReadPostmasterPid(dataDirectory), ReadPort(dataDirectory));
                await ExecuteAsync(dataDirectory, "CREATE TABLE survives (note text); INSERT INTO survives VALUES ('written before the stop')");

                await host.SignalAsync("INT");

                (await host.WaitForExitAsync(StopWithin)).ShouldBeTrue(host.Output);
                host.ExitCode.ShouldBe(0, host.Output);
                host.Output.ShouldContain("Private PostgreSQL stopped");
            }

            IsRunning(postgresPid).ShouldBeFalse("the private PostgreSQL stops with the host");
            IsListening(postgresPort).ShouldBeFalse();
            File.Exists(Path.Combine(dataDirectory, "pgdata", "postmaster.pid")).ShouldBeFalse();

            await using (var again = StartEmbedded(dataDirectory, out var url))
            {
                (await again.WaitUntilOkAsync(url + "/health/ready", ReadyWithin, Token)).ShouldBeTrue(again.Output);
                (await QueryAsync(dataDirectory, "SELECT note FROM survives")).ShouldBe("written before the stop");
                var secondPid = ReadPostmasterPid(dataDirectory);

                await again.SignalAsync("TERM");

                (await again.WaitForExitAsync(StopWithin)).ShouldBeTrue(again.Output);
                IsRunning(secondPid).ShouldBeFalse();
            }
        }
        finally
        {
            StopLeftoverPostgres(dataDirectory);
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task HostKilled_NextStartStopsTheOrphanedPostgresAndKeepsData()
    {
        var dataDirectory = NewDataDirectory();
        try
        {
            int orphanPid;
            await using (var host = StartEmbedded(dataDirectory, out var url))
            {
                (await host.WaitUntilOkAsync(url + "/health/ready", ReadyWithin, Token)).ShouldBeTrue(host.Output);
                await ExecuteAsync(dataDirectory, "CREATE TABLE survives (note text); INSERT INTO survives VALUES ('written before the kill')");
                orphanPid = ReadPostmasterPid(dataDirectory);

                await host.SignalAsync("KILL");
                (await host.WaitForExitAsync(StopWithin)).ShouldBeTrue();
            }

            IsRunning(orphanPid).ShouldBeTrue("SIGKILL gives the host no chance to stop its PostgreSQL");

            await using var again = StartEmbedded(dataDirectory, out var againUrl);
            (await again.WaitUntilOkAsync(againUrl + "/health/ready", ReadyWithin, Token)).ShouldBeTrue(again.Output);
            IsRunning(orphanPid).ShouldBeFalse(again.Output);
            (await QueryAsync(dataDirectory, "SELECT note FROM survives")).ShouldBe("written before the kill");
            await again.SignalAsync("TERM");
            (await again.WaitForExitAsync(StopWithin)).ShouldBeTrue(again.Output);
        }
        finally
        {
            StopLeftoverPostgres(dataDirectory);
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task SecondHostOnTheSameDataFolder_ExitsWithAClearErrorAndLeavesTheFirstRunning()
    {
        var dataDirectory = NewDataDirectory();
        try
        {
            await using var first = StartEmbedded(dataDirectory, out var url);
            (await first.WaitUntilOkAsync(url + "/health/ready", ReadyWithin, Token)).ShouldBeTrue(first.Output);

            await using (var second = StartEmbedded(dataDirectory, out _))
            {
                (await second.WaitForExitAsync(ReadyWithin)).ShouldBeTrue(second.Output);
                second.ExitCode.ShouldNotBe(0);
                second.Output.ShouldContain("in use by another running process");
            }

            (await first.WaitUntilOkAsync(url + "/health/ready", ReadyWithin, Token)).ShouldBeTrue(first.Output);
            await first.SignalAsync("TERM");
            (await first.WaitForExitAsync(StopWithin)).ShouldBeTrue(first.Output);
        }
        finally
        {
            StopLeftoverPostgres(dataDirectory);
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task MigrateVerb_AppliesMigrationsAndExitsWithoutServing()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);

        await using (var migrate = HostProcess.Start(["migrate"], new Dictionary<string, string?>
        {
            ["ConnectionStrings__Samverkan"] = database.ConnectionString,
        }))
        {
            (await migrate.WaitForExitAsync(MigrateWithin)).ShouldBeTrue(migrate.Output);
            migrate.ExitCode.ShouldBe(0, migrate.Output);
            migrate.Output.ShouldNotContain("Now listening");
        }

        await using var command = database.DataSource.CreateCommand("SELECT to_regclass('schema_migrations') IS NOT NULL");
        (await command.ExecuteScalarAsync(Token)).ShouldBe(true);

        // A host that does not migrate itself is ready on what the verb applied.
        await using var factory = new SamverkanHostFactory(
            database.ConnectionString,
            builder => builder.UseSetting("Samverkan:Database:MigrateOnStart", "false"),
            includeTestMigrations: false);
        using var client = factory.CreateClient();
        (await client.GetAsync("/health/ready", Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task MigrateVerb_WithoutConnectionString_StopsThePrivatePostgresItStarted()
    {
        var dataDirectory = NewDataDirectory();
        try
        {
            await using var migrate = HostProcess.Start(["migrate"], new Dictionary<string, string?>
            {
                ["Samverkan__LocalPostgres__DataDirectory"] = dataDirectory,
            });

            (await migrate.WaitForExitAsync(MigrateWithin)).ShouldBeTrue(migrate.Output);
            migrate.ExitCode.ShouldBe(0, migrate.Output);
            migrate.Output.ShouldContain("Private PostgreSQL stopped");
            File.Exists(Path.Combine(dataDirectory, "pgdata", "PG_VERSION")).ShouldBeTrue();
            File.Exists(Path.Combine(dataDirectory, "pgdata", "postmaster.pid")).ShouldBeFalse();
        }
        finally
        {
            StopLeftoverPostgres(dataDirectory);
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static HostProcess StartEmbedded(string dataDirectory, out string url)
    {
        url = "http://127.0.0.1:" + FreePort.Next().ToString(CultureInfo.InvariantCulture);
        return HostProcess.Start(["--urls", url], new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Samverkan__LocalPostgres__DataDirectory"] = dataDirectory,
        });
    }

    private static string NewDataDirectory() =>
        Path.Combine(Environment.IsPrivilegedProcess ? "/tmp" : Path.GetTempPath(), "samverkan-host-test-" + Guid.NewGuid().ToString("N")[..12]);

    private static int ReadPostmasterPid(string dataDirectory) =>
        int.Parse(File.ReadLines(Path.Combine(dataDirectory, "pgdata", "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    private static int ReadPort(string dataDirectory) =>
        int.Parse(File.ReadAllText(Path.Combine(dataDirectory, "port")).Trim(), CultureInfo.InvariantCulture);

    /// <summary>The private server's own connection details, as its data folder keeps them.</summary>
    private static string ConnectionString(string dataDirectory) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = ReadPort(dataDirectory),
        Username = "samverkan",
        Password = File.ReadAllText(Path.Combine(dataDirectory, "password")).Trim(),
        Database = "samverkan",
        Pooling = false,
    }.ConnectionString;

    private static async Task ExecuteAsync(string dataDirectory, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(dataDirectory));
        await connection.OpenAsync(Token);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Token);
    }

    private static async Task<string?> QueryAsync(string dataDirectory, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(dataDirectory));
        await connection.OpenAsync(Token);
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync(Token))?.ToString();
    }

    /// <summary>Alive, and not a zombie waiting for its new parent (init) to reap it.</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static bool IsListening(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>After a failed test, a private server the host left behind must not outlive the test.</summary>
    private static void StopLeftoverPostgres(string dataDirectory)
    {
        var pidFile = Path.Combine(dataDirectory, "pgdata", "postmaster.pid");
        if (File.Exists(pidFile) && IsRunning(ReadPostmasterPid(dataDirectory)))
        {
            using var process = Process.GetProcessById(ReadPostmasterPid(dataDirectory));
            process.Kill();
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }
    }
}
