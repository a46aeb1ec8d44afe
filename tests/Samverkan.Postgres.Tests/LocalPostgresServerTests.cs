using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using System.Runtime.Versioning;

namespace Samverkan.Postgres.Tests;

/// <summary>Each test starts servers of its own (the assembly fixture's server is not touched).</summary>
[UnsupportedOSPlatform("windows")]
public sealed class LocalPostgresServerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartAsync_StartsAPrivateServerOnLoopback()
    {
        await using var server = await LocalPostgresServer.StartAsync(TestOptions(), cancellationToken: Token);

        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(Token);
        (await ScalarAsync(connection, "SELECT current_user")).ShouldBe("samverkan");
        (await ScalarAsync(connection, "SELECT current_database()")).ShouldBe("samverkan");
        (await ScalarAsync(connection, "SHOW listen_addresses")).ShouldBe("127.0.0.1");
        (await ScalarAsync(connection, "SHOW unix_socket_directories")).ShouldBe(Path.Combine(server.DataDirectory, "run"));
        (await ScalarAsync(connection, "SHOW server_encoding")).ShouldBe("UTF8");
        (await ScalarAsync(connection, "SELECT auth_method FROM pg_hba_file_rules WHERE type = 'host' LIMIT 1")).ShouldBe("scram-sha-256");
        (await ScalarAsync(connection, "SELECT auth_method FROM pg_hba_file_rules WHERE type = 'local' LIMIT 1")).ShouldBe("scram-sha-256");
        File.GetUnixFileMode(Path.Combine(server.DataDirectory, "password")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        server.ProcessId.ShouldBe(ReadPostmasterPid(server));
        server.Port.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task StartAsync_WrongPassword_IsRefused()
    {
        await using var server = await LocalPostgresServer.StartAsync(TestOptions(), cancellationToken: Token);
        var wrong = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Password = "not-the-password", Pooling = false };

        await using var connection = new NpgsqlConnection(wrong.ConnectionString);

        var exception = await Should.ThrowAsync<PostgresException>(() => connection.OpenAsync(Token));
        exception.SqlState.ShouldBe(PostgresErrorCodes.InvalidPassword);
    }

    [Fact]
    public async Task StartAsync_AsRoot_RunsPostgresAsThePostgresUser()
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess, "Only meaningful when the tests run as root (as CI does).");
        await using var server = await LocalPostgresServer.StartAsync(TestOptions(), cancellationToken: Token);

        ProcessUid(server.ProcessId).ShouldBe(await UidOfAsync("postgres"));
        File.GetUnixFileMode(server.DataDirectory).HasFlag(UnixFileMode.OtherExecute).ShouldBeTrue();
    }

    [Fact]
    public async Task StartAsync_AsNonRootUser_RunsPostgresAsThatUser()
    {
        if (Environment.IsPrivilegedProcess)
        {
            // Root cannot test the non-root path in-process: run this very test again as the unprivileged postgres user.
            var (exitCode, output) = await RunThisTestAsPostgresUserAsync(nameof(StartAsync_AsNonRootUser_RunsPostgresAsThatUser));
            exitCode.ShouldBe(0, output);
            output.ShouldContain("Failed: 0", customMessage: output);
            output.ShouldContain("Total: 1", customMessage: output);
            return;
        }

        await using var server = await LocalPostgresServer.StartAsync(TestOptions(), cancellationToken: Token);

        ProcessUid(server.ProcessId).ShouldBe(ProcessUid(Environment.ProcessId));
        (await QueryAsync(server.ConnectionString, "SELECT current_user")).ShouldBe("samverkan");
    }

    [Fact]
    public async Task RestartAsync_KeepsDataAndPort()
    {
        await using var server = await LocalPostgresServer.StartAsync(TestOptions(), cancellationToken: Token);
        await ExecuteAsync(server.ConnectionString, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('before restart')");
        var (port, pid) = (server.Port, server.ProcessId);

        await server.RestartAsync(Token);

        server.Port.ShouldBe(port);
        server.ProcessId.ShouldNotBe(pid);
        IsRunning(pid).ShouldBeFalse();
        (await QueryAsync(server.ConnectionString, "SELECT value FROM kept")).ShouldBe("before restart");
    }

    [Fact]
    public async Task StartAsync_OnTheDataFolderOfAStoppedServer_KeepsDataPasswordAndPort()
    {
        var folder = NewDataFolder();
        try
        {
            int port;
            string connectionString;
            await using (var first = await LocalPostgresServer.StartAsync(TestOptions(folder), cancellationToken: Token))
            {
                await ExecuteAsync(first.ConnectionString, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('first instance')");
                (port, connectionString) = (first.Port, first.ConnectionString);
            }

            await using var second = await LocalPostgresServer.StartAsync(TestOptions(folder), cancellationToken: Token);

            second.Port.ShouldBe(port);
            second.ConnectionString.ShouldBe(connectionString);
            (await QueryAsync(second.ConnectionString, "SELECT value FROM kept")).ShouldBe("first instance");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task StartAsync_WhileAKilledRunsServerStillRuns_StopsItAndStarts()
    {
        var folder = NewDataFolder();
        try
        {
            // The first server stands for one left behind by a host that was killed: nobody stops it. Durable as in
            // production, since the immediate stop of a stale server loses commits a non-durable server had not flushed.
            var options = TestOptions(folder);
            options.Durable = true;
            var orphan = await LocalPostgresServer.StartAsync(options, cancellationToken: Token);
            await ExecuteAsync(orphan.ConnectionString, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('committed')");
            var orphanPid = orphan.ProcessId;
            orphan.AbandonForTesting();
            try
            {
                await using var server = await LocalPostgresServer.StartAsync(options, cancellationToken: Token);

                IsRunning(orphanPid).ShouldBeFalse();
                server.ProcessId.ShouldNotBe(orphanPid);
                (await QueryAsync(server.ConnectionString, "SELECT value FROM kept")).ShouldBe("committed");
            }
            finally
            {
                KillIfRunning(orphanPid);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task StartAsync_OnAFolderALiveServerOwns_ThrowsAndLeavesThatServerAlone()
    {
        await using var owner = await LocalPostgresServer.StartAsync(TestOptions(), cancellationToken: Token);
        var intruder = new LocalPostgresOptions { DataDirectory = owner.DataDirectory, Ephemeral = true, Durable = false };

        var exception = await Should.ThrowAsync<InvalidOperationException>(() => LocalPostgresServer.StartAsync(intruder, cancellationToken: Token));

        exception.Message.ShouldContain("in use by another running process");
        IsRunning(owner.ProcessId).ShouldBeTrue();
        Directory.Exists(owner.DataDirectory).ShouldBeTrue("a failed start must not delete a folder it did not own");
        (await QueryAsync(owner.ConnectionString, "SELECT 1")).ShouldBe("1");
    }

    [Fact]
    public async Task StopAsync_StopsTheProcessAndClosesThePort_AndIsIdempotent()
    {
        var server = await LocalPostgresServer.StartAsync(TestOptions(), cancellationToken: Token);
        var (pid, port, folder) = (server.ProcessId, server.Port, server.DataDirectory);

        await server.StopAsync(Token);
        await server.StopAsync(Token);

        IsRunning(pid).ShouldBeFalse();
        IsListening(port).ShouldBeFalse();
        File.Exists(Path.Combine(folder, "pgdata", "postmaster.pid")).ShouldBeFalse();
        await server.DisposeAsync();
        Directory.Exists(folder).ShouldBeFalse("an ephemeral server deletes its data folder");
    }

    [Fact]
    public async Task StartAsync_CreatesTheConfiguredDatabase()
    {
        var options = TestOptions();
        options.Database = "another_db";
        await using var server = await LocalPostgresServer.StartAsync(options, cancellationToken: Token);

        (await QueryAsync(server.ConnectionString, "SELECT current_database()")).ShouldBe("another_db");
        (await QueryAsync(server.GetConnectionString("postgres"), "SELECT current_database()")).ShouldBe("postgres");
    }

    [Fact]
    public void DefaultDataDirectory_FollowsTheUserAndXdgConventions()
    {
        LocalPostgresServer.DefaultDataDirectory(ephemeral: false, root: true).ShouldBe("/var/lib/samverkan/postgres");
        LocalPostgresServer.DefaultDataDirectory(ephemeral: true, root: true).ShouldStartWith("/tmp/samverkan-pg-");
        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var expectedParent = string.IsNullOrEmpty(dataHome)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share")
            : dataHome;
        LocalPostgresServer.DefaultDataDirectory(ephemeral: false, root: false).ShouldBe(Path.Combine(expectedParent, "samverkan", "postgres"));
    }

    [Fact]
    public void FindBinDirectory_FindsTheServerBinaries()
    {
        var directory = PostgresBinaries.FindBinDirectory();

        directory.ShouldNotBeNull("the tests need PostgreSQL's server binaries (scripts/test.sh installs them)");
        File.Exists(Path.Combine(directory, "initdb")).ShouldBeTrue();
        File.Exists(Path.Combine(directory, "postgres")).ShouldBeTrue();
    }

    [Fact]
    public void PostgresNotFoundException_SaysHowToInstallOrConfigure()
    {
        var message = new PostgresNotFoundException().Message;

        message.ShouldContain("apt-get install -y postgresql");
        message.ShouldContain("ConnectionStrings:Samverkan");
    }

    private static LocalPostgresOptions TestOptions(string? folder = null) => new()
    {
        DataDirectory = folder,
        Ephemeral = folder is null,
        Durable = false,
        MaxConnections = 20,
    };

    private static string NewDataFolder() =>
        Path.Combine(Environment.IsPrivilegedProcess ? "/tmp" : Path.GetTempPath(), "samverkan-pg-test-" + Guid.NewGuid().ToString("N")[..12]);

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(Unpooled(connectionString));
        await connection.OpenAsync(Token);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Token);
    }

    private static async Task<string?> QueryAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(Unpooled(connectionString));
        await connection.OpenAsync(Token);
        return await ScalarAsync(connection, sql);
    }

    /// <summary>Servers in these tests stop and start on the same port: a pooled connection would outlive its server.</summary>
    private static string Unpooled(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    private static async Task<string?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync(Token))?.ToString();
    }

    private static int ReadPostmasterPid(LocalPostgresServer server) =>
        int.Parse(File.ReadLines(Path.Combine(server.DataDirectory, "pgdata", "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    /// <summary>Alive, and not a zombie waiting to be reaped.</summary>
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

    private static void KillIfRunning(int pid)
    {
        if (IsRunning(pid))
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            process.WaitForExit(TimeSpan.FromSeconds(10));
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

    private static string ProcessUid(int pid) =>
        File.ReadLines($"/proc/{pid}/status").First(line => line.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t')[1];

    private static async Task<string> UidOfAsync(string user)
    {
        using var process = Process.Start(new ProcessStartInfo("id", ["-u", user]) { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync(Token);
        await process.WaitForExitAsync(Token);
        return output.Trim();
    }

    private static string FindDotnet()
    {
        if (Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet")
        {
            return path;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host
            ? host
            : (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
                .Select(directory => Path.Combine(directory, "dotnet"))
                .FirstOrDefault(File.Exists) ?? "dotnet";
    }

    private static async Task<(int ExitCode, string Output)> RunThisTestAsPostgresUserAsync(string methodName)
    {
        var home = Path.Combine("/tmp", "samverkan-test-home-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(home);
        try
        {
            using (var chown = Process.Start("chown", ["postgres:postgres", home]))
            {
                await chown.WaitForExitAsync(Token);
            }

            var assembly = typeof(LocalPostgresServerTests).Assembly.Location;
            var startInfo = new ProcessStartInfo("setpriv")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = home,
            };
            foreach (var argument in new[]
            {
                "--reuid=postgres", "--regid=postgres", "--init-groups", "--",
                FindDotnet(), assembly,
                "-method", typeof(LocalPostgresServerTests).FullName + "." + methodName, "-noColor",
            })
            {
                startInfo.ArgumentList.Add(argument);
            }

            startInfo.Environment["HOME"] = home;
            startInfo.Environment["DOTNET_CLI_HOME"] = home;
            startInfo.Environment["TMPDIR"] = "/tmp";
            startInfo.Environment["XDG_DATA_HOME"] = Path.Combine(home, "data");
            using var process = Process.Start(startInfo)!;
            var stdout = process.StandardOutput.ReadToEndAsync(Token);
            var stderr = process.StandardError.ReadToEndAsync(Token);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
            timeout.CancelAfter(TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return (process.ExitCode, await stdout + await stderr);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
