using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Samverkan.Postgres;

/// <summary>
/// A private PostgreSQL server started from the machine's binaries, listening on 127.0.0.1 only.
/// The data folder holds <c>pgdata/</c> (the cluster), <c>run/</c> (its unix socket), <c>password</c> (mode 600),
/// <c>port</c> and <c>server.log</c>. When the current process runs as root, the cluster belongs to the
/// <c>postgres</c> system user and every PostgreSQL program runs as that user (initdb and postgres refuse root).
/// </summary>
public sealed class LocalPostgresServer : IAsyncDisposable
{
    internal const string SuperUser = "samverkan";
    internal const string ServiceUser = "postgres";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan FastStopTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ImmediateStopTimeout = TimeSpan.FromSeconds(10);

    private readonly LocalPostgresOptions _options;
    private readonly ILogger _logger;
    private readonly string _binDirectory;
    private readonly bool _runAsServiceUser;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ServerLog _serverLog;
    private Process? _process;
    private FileStream? _ownerLock;
    private string _password = string.Empty;
    private bool _processExitHooked;
    private bool _disposed;

    private LocalPostgresServer(LocalPostgresOptions options, ILogger logger, string binDirectory, bool runAsServiceUser, string dataDirectory)
    {
        _options = options;
        _logger = logger;
        _binDirectory = binDirectory;
        _runAsServiceUser = runAsServiceUser;
        DataDirectory = dataDirectory;
        _serverLog = new ServerLog(Path.Combine(dataDirectory, "server.log"));
    }

    /// <summary>The connection string to <see cref="LocalPostgresOptions.Database"/>, with user and password. Never log it.</summary>
    public string ConnectionString => GetConnectionString(_options.Database);

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>The folder that holds the cluster, its socket folder, password, port and log files.</summary>
    public string DataDirectory { get; }

    /// <summary>The postmaster's process id (the last one, once stopped).</summary>
    public int ProcessId { get; private set; }

    internal string ClusterDirectory => Path.Combine(DataDirectory, "pgdata");

    internal string SocketDirectory => Path.Combine(DataDirectory, "run");

    internal string PasswordFile => Path.Combine(DataDirectory, "password");

    internal string PortFile => Path.Combine(DataDirectory, "port");

    internal string LogFile => _serverLog.Path;

    /// <summary>
    /// Starts the server: creates the cluster on first use, stops a stale instance left by a killed run, starts the
    /// postmaster as a child process, waits until it accepts connections and creates the database if missing.
    /// </summary>
    /// <exception cref="PostgresNotFoundException">No PostgreSQL server binaries are installed.</exception>
    public static async Task<LocalPostgresServer> StartAsync(
        LocalPostgresOptions options,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Database);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, IPEndPoint.MaxPort);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConnections, 1);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException(
                "The private PostgreSQL server runs on Linux and macOS. Configure ConnectionStrings:Samverkan to use an existing server.");
        }

        logger ??= NullLogger.Instance;
        var binDirectory = PostgresBinaries.FindBinDirectory() ?? throw new PostgresNotFoundException();
        var runAsServiceUser = Environment.IsPrivilegedProcess;
        var copy = new LocalPostgresOptions
        {
            DataDirectory = options.DataDirectory,
            Port = options.Port,
            Database = options.Database,
            Ephemeral = options.Ephemeral,
            Durable = options.Durable,
            MaxConnections = options.MaxConnections,
        };
        var dataDirectory = Path.GetFullPath(options.DataDirectory ?? DefaultDataDirectory(options.Ephemeral, runAsServiceUser));
        var server = new LocalPostgresServer(copy, logger, binDirectory, runAsServiceUser, dataDirectory);
        try
        {
            await server.InitializeAsync(cancellationToken).ConfigureAwait(false);
            await server.StartProcessAsync(cancellationToken).ConfigureAwait(false);
            await server.EnsureDatabaseAsync(copy.Database, cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A connection string to another database of this server, with user and password. Never log it.</summary>
    public string GetConnectionString(string database)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(database);
        return new NpgsqlConnectionStringBuilder
        {
            Host = IPAddress.Loopback.ToString(),
            Port = Port,
            Username = SuperUser,
            Password = _password,
            Database = database,
        }.ConnectionString;
    }

    /// <summary>Stops the server with a fast shutdown and waits until the postmaster has exited. Idempotent.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StopProcessAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the server, then starts it again on the same port and data.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StopProcessAsync(cancellationToken).ConfigureAwait(false);
            await StartProcessAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the server, and deletes its data folder when the options say <see cref="LocalPostgresOptions.Ephemeral"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        _disposed = true;
        UnhookProcessExit();
        _serverLog.Dispose();

        // Only a folder this object owned is deleted: never one that another live process is using.
        if (_options.Ephemeral && _ownerLock is not null)
        {
            DeleteDataDirectory();
        }

        ReleaseOwnership();
    }

    internal static string DefaultDataDirectory(bool ephemeral, bool root)
    {
        if (ephemeral)
        {
            // A fresh folder the postgres user can traverse: /tmp itself when running as root (TMPDIR may be private).
            var parent = root ? "/tmp" : Path.GetTempPath();
            return Path.Combine(parent, "samverkan-pg-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        }

        if (root)
        {
            return "/var/lib/samverkan/postgres";
        }

        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(dataHome) || !Path.IsPathRooted(dataHome))
        {
            dataHome = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }

        return Path.Combine(dataHome, "samverkan", "postgres");
    }

    [UnsupportedOSPlatform("windows")]
    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_runAsServiceUser)
        {
            await EnsureServiceUserAsync(cancellationToken).ConfigureAwait(false);
        }

        PrepareDirectories();
        AcquireOwnership();
        if (File.Exists(Path.Combine(ClusterDirectory, "PG_VERSION")))
        {
            if (!File.Exists(PasswordFile))
            {
                throw new InvalidOperationException(
                    $"The PostgreSQL cluster in {ClusterDirectory} exists but its password file {PasswordFile} is missing. " +
                    $"Restore the file, or delete {DataDirectory} to start with an empty database.");
            }

            _password = (await File.ReadAllTextAsync(PasswordFile, cancellationToken).ConfigureAwait(false)).Trim();
        }
        else
        {
            await InitializeClusterAsync(cancellationToken).ConfigureAwait(false);
        }

        Port = ChoosePort();
        await File.WriteAllTextAsync(PortFile, Port.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
    }

    [UnsupportedOSPlatform("windows")]
    private void PrepareDirectories()
    {
        var existed = Directory.Exists(DataDirectory);
        Directory.CreateDirectory(DataDirectory);
        if (_runAsServiceUser)
        {
            // Owned by root; the postgres user only needs to pass through it to reach pgdata/ and run/.
            File.SetUnixFileMode(DataDirectory, UnixFileModes.Traversable);
            EnsureAncestorsTraversable(DataDirectory);
        }
        else if (!existed)
        {
            File.SetUnixFileMode(DataDirectory, UnixFileModes.Private);
        }

        foreach (var directory in new[] { ClusterDirectory, SocketDirectory })
        {
            Directory.CreateDirectory(directory);
            File.SetUnixFileMode(directory, UnixFileModes.Private);
            if (_runAsServiceUser)
            {
                ChangeOwner(directory);
            }
        }
    }

    /// <summary>
    /// Takes an exclusive lock on <c>owner.lock</c> for as long as this object lives. A postmaster found running
    /// while we hold it was left by a process that died (the lock dies with its process), so it may be stopped;
    /// a lock held by someone else means a live process owns the folder, and its server must not be touched.
    /// </summary>
    private void AcquireOwnership()
    {
        var lockPath = Path.Combine(DataDirectory, "owner.lock");
        var ownerPath = Path.Combine(DataDirectory, "owner.pid");
        try
        {
            _ownerLock = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception)
        {
            var owner = File.Exists(ownerPath) ? File.ReadAllText(ownerPath).Trim() : "unknown";
            throw new InvalidOperationException(
                $"The PostgreSQL data folder {DataDirectory} is in use by another running process (pid {owner}). " +
                "Stop that process, or give this one a data folder of its own (Samverkan:LocalPostgres:DataDirectory), " +
                "or use a shared server through ConnectionStrings:Samverkan.",
                exception);
        }

        File.WriteAllText(ownerPath, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
    }

    private void ReleaseOwnership()
    {
        _ownerLock?.Dispose();
        _ownerLock = null;
    }

    /// <summary>For tests: behave as if this process had been killed (the postmaster keeps running, ownership ends).</summary>
    internal void AbandonForTesting()
    {
        _disposed = true;
        UnhookProcessExit();
        _process?.Dispose();
        _process = null;
        _serverLog.Dispose();
        ReleaseOwnership();
    }

    [UnsupportedOSPlatform("windows")]
    private static void EnsureAncestorsTraversable(string directory)
    {
        for (var parent = Path.GetDirectoryName(directory); !string.IsNullOrEmpty(parent); parent = Path.GetDirectoryName(parent))
        {
            if ((File.GetUnixFileMode(parent) & UnixFileMode.OtherExecute) == 0)
            {
                throw new InvalidOperationException(
                    $"The PostgreSQL data folder {directory} is not reachable by the '{ServiceUser}' user that runs PostgreSQL " +
                    $"when Samverkan runs as root: {parent} is not traversable by other users. Choose a data folder such as " +
                    "/var/lib/samverkan/postgres (Samverkan:LocalPostgres:DataDirectory), or run `chmod o+x` on that folder.");
            }
        }
    }

    [UnsupportedOSPlatform("windows")]
    private async Task InitializeClusterAsync(CancellationToken cancellationToken)
    {
        if (Directory.EnumerateFileSystemEntries(ClusterDirectory).Any())
        {
            throw new InvalidOperationException(
                $"{ClusterDirectory} is neither empty nor a PostgreSQL cluster. Move its content away or choose another data folder.");
        }

        LocalPostgresLog.Initializing(_logger, DataDirectory);
        _password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        await WritePrivateFileAsync(PasswordFile, _password, cancellationToken).ConfigureAwait(false);

        // initdb reads the password from a file; it runs as the postgres user when we are root, so that user must own it.
        var passwordFileForInitdb = Path.Combine(SocketDirectory, ".initdb-password");
        try
        {
            await WritePrivateFileAsync(passwordFileForInitdb, _password, cancellationToken).ConfigureAwait(false);
            if (_runAsServiceUser)
            {
                ChangeOwner(passwordFileForInitdb);
            }

            List<string> arguments =
            [
                "-D", ClusterDirectory,
                "-U", SuperUser,
                "--pwfile=" + passwordFileForInitdb,
                "--auth-host=scram-sha-256",
                "--auth-local=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C",
            ];
            if (!_options.Durable)
            {
                arguments.Add("--no-sync");
            }

            var (exitCode, output) = await RunToolAsync("initdb", arguments, cancellationToken).ConfigureAwait(false);
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"initdb failed with exit code {exitCode} for {ClusterDirectory}:{Environment.NewLine}{output}");
            }
        }
        finally
        {
            File.Delete(passwordFileForInitdb);
        }
    }

    private int ChoosePort()
    {
        if (_options.Port != 0)
        {
            return _options.Port;
        }

        if (File.Exists(PortFile)
            && int.TryParse(File.ReadAllText(PortFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var previous)
            && previous is > 0 and <= IPEndPoint.MaxPort
            && IsPortFree(previous))
        {
            return previous;
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsPortFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_process is { HasExited: false })
        {
            return;
        }

        await StopStaleInstanceAsync(cancellationToken).ConfigureAwait(false);

        List<string> arguments =
        [
            "-D", ClusterDirectory,
            "-p", Port.ToString(CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1",
            "-c", "unix_socket_directories=" + SocketDirectory,
            "-c", "max_connections=" + _options.MaxConnections.ToString(CultureInfo.InvariantCulture),
        ];
        if (!_options.Durable)
        {
            arguments.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }

        // In its own session (setsid) so a Ctrl+C in the terminal reaches only the host, which then stops the server
        // after everything that uses it; exec all the way down, so the child's pid is the postmaster's.
        var startInfo = CreateStartInfo("postgres", arguments, newSession: true);
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => _serverLog.Write(e.Data);
        process.ErrorDataReceived += (_, e) => _serverLog.Write(e.Data);
        if (!process.Start())
        {
            process.Dispose();
            throw new InvalidOperationException("The PostgreSQL server process could not be started.");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        ProcessId = process.Id;
        HookProcessExit();

        await WaitUntilReadyAsync(process, cancellationToken).ConfigureAwait(false);
        LocalPostgresLog.Started(_logger, DataDirectory, Port, ProcessId);
    }

    private async Task WaitUntilReadyAsync(Process process, CancellationToken cancellationToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(GetConnectionString("postgres"))
        {
            Pooling = false,
            Timeout = 2,
        }.ConnectionString;
        var deadline = Stopwatch.StartNew();
        Exception? lastError = null;
        while (deadline.Elapsed < StartTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                throw new InvalidOperationException(
                    $"PostgreSQL exited with code {process.ExitCode} during start-up (data {ClusterDirectory}, port {Port}). " +
                    $"Server log {LogFile}, last lines:{Environment.NewLine}{_serverLog.Tail()}");
            }

            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (NpgsqlException exception)
            {
                lastError = exception;
            }
            catch (TimeoutException exception)
            {
                lastError = exception;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }

        await StopProcessAsync(CancellationToken.None).ConfigureAwait(false);
        throw new InvalidOperationException(
            $"PostgreSQL did not accept connections on 127.0.0.1:{Port} within {StartTimeout.TotalSeconds:0} s " +
            $"(last error: {lastError?.Message}). Server log {LogFile}, last lines:{Environment.NewLine}{_serverLog.Tail()}",
            lastError);
    }

    private async Task EnsureDatabaseAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(GetConnectionString("postgres")) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection))
        {
            exists.Parameters.Add(new NpgsqlParameter { Value = database });
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                return;
            }
        }

        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {QuoteIdentifier(database)}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            LocalPostgresLog.DatabaseCreated(_logger, database);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Created concurrently: fine.
        }
    }

    /// <summary>A postmaster left running by a killed run of this data folder is stopped; a stale pid file is removed.</summary>
    private async Task StopStaleInstanceAsync(CancellationToken cancellationToken)
    {
        var pidFile = Path.Combine(ClusterDirectory, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return;
        }

        var firstLine = File.ReadLines(pidFile).FirstOrDefault();
        if (!int.TryParse(firstLine, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return;
        }

        if (IsPostmasterOf(pid, ClusterDirectory))
        {
            LocalPostgresLog.StoppingStaleInstance(_logger, pid, DataDirectory);
            var (exitCode, output) = await RunToolAsync(
                "pg_ctl", ["stop", "-D", ClusterDirectory, "-m", "immediate", "-w", "-t", "30"], cancellationToken).ConfigureAwait(false);
            if (exitCode != 0 && IsPostmasterOf(pid, ClusterDirectory))
            {
                throw new InvalidOperationException(
                    $"A PostgreSQL server (pid {pid}) is still running on {ClusterDirectory} and could not be stopped:{Environment.NewLine}{output}");
            }
        }

        if (File.Exists(pidFile) && !IsPostmasterOf(pid, ClusterDirectory))
        {
            // The pid may now belong to an unrelated process, which would make postgres refuse to start.
            File.Delete(pidFile);
        }
    }

    private static bool IsPostmasterOf(int pid, string clusterDirectory)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.HasExited || !process.ProcessName.StartsWith("postgres", StringComparison.Ordinal))
            {
                return false;
            }

            var commandLine = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline";
            return !File.Exists(commandLine)
                || File.ReadAllText(commandLine).Contains(clusterDirectory, StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private async Task StopProcessAsync(CancellationToken cancellationToken)
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            LocalPostgresLog.Stopping(_logger, ProcessId);
            Signal(process, NativeMethods.SigInt);
            if (!await WaitForExitAsync(process, FastStopTimeout, cancellationToken).ConfigureAwait(false))
            {
                LocalPostgresLog.StopTimedOut(_logger, ProcessId, FastStopTimeout.TotalSeconds);
                Signal(process, NativeMethods.SigQuit);
                if (!await WaitForExitAsync(process, ImmediateStopTimeout, cancellationToken).ConfigureAwait(false))
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            LocalPostgresLog.Stopped(_logger, ProcessId);
        }

        process.Dispose();
        _process = null;
    }

    private static async Task<bool> WaitForExitAsync(Process process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static void Signal(Process process, int signal)
    {
        // Kill returns -1 when the process is already gone: nothing to stop then.
        _ = NativeMethods.Kill(process.Id, signal);
    }

    private void HookProcessExit()
    {
        if (!_processExitHooked)
        {
            AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
            _processExitHooked = true;
        }
    }

    private void UnhookProcessExit()
    {
        if (_processExitHooked)
        {
            AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
            _processExitHooked = false;
        }
    }

    /// <summary>The process is exiting without having disposed the server: stop it synchronously (fast, then immediate).</summary>
    private void OnProcessExit(object? sender, EventArgs e)
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                Signal(process, NativeMethods.SigInt);
                if (!process.WaitForExit(FastStopTimeout))
                {
                    Signal(process, NativeMethods.SigQuit);
                    process.WaitForExit(ImmediateStopTimeout);
                }
            }

            if (_options.Ephemeral && _ownerLock is not null)
            {
                DeleteDataDirectory();
            }
        }
        catch (InvalidOperationException)
        {
            // The process object is already gone.
        }
    }

    private void DeleteDataDirectory()
    {
        try
        {
            if (Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
        catch (IOException exception)
        {
            LocalPostgresLog.DeleteFailed(_logger, DataDirectory, exception.Message);
        }
        catch (UnauthorizedAccessException exception)
        {
            LocalPostgresLog.DeleteFailed(_logger, DataDirectory, exception.Message);
        }
    }

    private ProcessStartInfo CreateStartInfo(string tool, IEnumerable<string> arguments, bool newSession)
    {
        var startInfo = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = DataDirectory,
        };
        var command = new List<string>();
        if (newSession && FindOnPath("setsid") is { } setsid)
        {
            command.Add(setsid);
        }

        if (_runAsServiceUser)
        {
            command.AddRange([FindOnPath("setpriv") ?? "setpriv", $"--reuid={ServiceUser}", $"--regid={ServiceUser}", "--init-groups", "--"]);
        }

        command.Add(Path.Combine(_binDirectory, tool));
        command.AddRange(arguments);
        startInfo.FileName = command[0];
        foreach (var argument in command.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Messages in English whatever the machine's locale, so errors read the same in logs and exceptions.
        startInfo.Environment["LC_MESSAGES"] = "C";
        return startInfo;
    }

    private async Task<(int ExitCode, string Output)> RunToolAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        using var process = new Process { StartInfo = CreateStartInfo(tool, arguments, newSession: false) };
        var output = new StringBuilder();
        var outputLock = new Lock();
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        lock (outputLock)
        {
            return (process.ExitCode, output.ToString());
        }

        void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            _serverLog.Write(line);
            lock (outputLock)
            {
                output.AppendLine(line);
            }
        }
    }

    private static async Task EnsureServiceUserAsync(CancellationToken cancellationToken)
    {
        if (await RunAsync("id", ["-u", ServiceUser], cancellationToken).ConfigureAwait(false) == 0)
        {
            return;
        }

        var groupExists = await RunAsync("getent", ["group", ServiceUser], cancellationToken).ConfigureAwait(false) == 0;
        List<string> arguments = ["--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin"];
        arguments.AddRange(groupExists ? ["--gid", ServiceUser] : ["--user-group"]);
        arguments.Add(ServiceUser);
        var exitCode = await RunAsync("useradd", arguments, cancellationToken).ConfigureAwait(false);

        // 9: created meanwhile by someone else.
        if (exitCode is not 0 and not 9)
        {
            throw new InvalidOperationException(
                $"Running as root, PostgreSQL must run as the '{ServiceUser}' system user, and `useradd --system {ServiceUser}` failed with exit code {exitCode}.");
        }
    }

    private static void ChangeOwner(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("chown", [$"{ServiceUser}:{ServiceUser}", path]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("chown could not be started.");
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"chown {ServiceUser}:{ServiceUser} {path} failed with exit code {process.ExitCode}.");
        }
    }

    private static async Task<int> RunAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName, arguments)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{fileName} could not be started.");
        var drainOutput = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var drainError = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(drainOutput, drainError).ConfigureAwait(false);
        return process.ExitCode;
    }

    [UnsupportedOSPlatform("windows")]
    private static async Task WritePrivateFileAsync(string path, string content, CancellationToken cancellationToken)
    {
        File.Delete(path);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileModes.PrivateFile,
        };
        await using var stream = new FileStream(path, options);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        await writer.WriteAsync(content.AsMemory(), cancellationToken).ConfigureAwait(false);
    }

    private static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Append("/bin")
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }

    internal static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static class UnixFileModes
    {
        public const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        public const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        public const UnixFileMode Traversable = Private
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    }
}
