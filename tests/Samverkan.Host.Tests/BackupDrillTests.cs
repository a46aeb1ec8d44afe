using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using Samverkan.Domain.Absence;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Organisation;
using Samverkan.Postgres;
using Samverkan.Testing;

namespace Samverkan.Host.Tests;

/// <summary>
/// The backup and restore drill (docs/operations.md, "Backup and restore"; <c>scripts/backup-drill.sh</c>): a deployment
/// under load on a PostgreSQL server that archives its WAL, a base backup taken while the load goes on, a restore point
/// after a known set of acknowledged registrations, more load, then the deployment lost. The backup is restored to a
/// new server up to the restore point (the archive's WAL replayed), a new host is started on it, and the drill checks
/// that every registration acknowledged before the point is there exactly once (and none sent after it), that the audit
/// chain verifies, and that a deadline pending in the backup fires on the restored host. Prints a table of the results.
/// </summary>
public sealed class BackupDrillTests(ITestOutputHelper output)
{
    private const string Municipality = "1280";
    private const string School = "s-tallskolan";
    private const string SchoolOrganisation = "org-1280-skola";
    private const string SocialOrganisation = "org-1280-soc";
    private const string HealthTeam = "t-tall-eht";
    private const string SocialTeam = "t-1280-soc";
    private const string Coordinators = "t-1280-samordnare";
    private const string Source = "drill";
    private const string RestorePoint = "samverkan-drill";
    private const int Children = 30;

    // Budgets for conditions, not sleeps: generous for a loaded 2-core machine.
    private static readonly TimeSpan ReadyWithin = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan ConditionWithin = TimeSpan.FromMinutes(3);

    // The deadline checked on the restored host: a meeting's reminder, due this long after it is scheduled (just before
    // the restore point), so it comes due while the deployment is down.
    private static readonly TimeSpan DeadlineAfter = TimeSpan.FromSeconds(10);

    // The outage lasts at least this long after the meeting was scheduled: past the deadline, and past the first tick of
    // the grain's Orleans reminder (registered a minute ahead while its alerts were being delivered), so nothing but the
    // restored deployment's own start can make the deadline fire.
    private static readonly TimeSpan OutageAtLeast = TimeSpan.FromSeconds(75);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BackupUnderLoad_RestoredToANewServerAtARestorePoint_KeepsWhatWasAcknowledged_AndItsAuditChainAndDeadlines()
    {
        var checks = new List<Check>();
        var figures = new List<(string Name, string Value)>();
        var drill = Stopwatch.StartNew();
        var root = NewDrillDirectory();
        var archive = Path.Combine(root, "wal-archive");
        var leftovers = new Leftovers();
        leftovers.Add("folder", root);
        try
        {
            CreateServiceDirectory(archive);
            using var tokens = new TestTokens();
            var secret = Convert.ToBase64String(Encoding.UTF8.GetBytes("backup drill pseudonym secret, 48 bytes long...."));

            // 1. The deployment: a durable PostgreSQL that archives every WAL segment, and a host on it.
            await using var primary = await LocalPostgresServer.StartAsync(
                new LocalPostgresOptions { DataDirectory = Path.Combine(root, "primary"), Ephemeral = true, Durable = true, Database = "samverkan" },
                cancellationToken: Token);
            leftovers.Add("postgres", primary.ProcessId);
            await EnableArchivingAsync(primary, archive);
            leftovers.Add("postgres", primary.ProcessId);
            var primaryData = NpgsqlDataSource.Create(primary.ConnectionString);
            await using var primaryDataDisposal = primaryData;

            var urlA = $"http://127.0.0.1:{FreePort.Next()}";
            var hostA = await StartHostAsync(primary.ConnectionString, tokens, secret, urlA, "original", leftovers);
            await using var hostADisposal = hostA;
            var world = new World(urlA, tokens);
            await world.SetUpAsync();
            var pupils = Enumerable.Range(0, Children).Select(i => "c_drill" + ToBase32(i) + "abcdefghijklmnop").ToArray();
            await world.EnrolAsync(pupils);

            // A case opened before the backup: two reports of concern about the first child.
            var caseChild = pupils[0];
            var today = SwedishTime.DateOf(DateTimeOffset.UtcNow);
            await world.ReportConcernAsync(caseChild, "oro-1", today.AddDays(-30));
            await world.ReportConcernAsync(caseChild, "oro-2", today.AddDays(-1));
            await WaitUntilAsync(async () => await ScalarAsync(primaryData, "select count(*) from coord_cases where child_key = $1", caseChild) == 1, "the case opened");
            var caseId = (string)(await primaryData.CreateCommand($"select case_id from coord_cases where child_key = '{caseChild}'").ExecuteScalarAsync(Token))!;

            // 2. Load: absence batches and reports of concern, each 2xx recorded with when it was sent and answered.
            var load = new Load(world, pupils[1..], SchoolDays(today));
            using var stopLoad = new CancellationTokenSource();
            var loading = load.RunAsync(stopLoad.Token);
            await WaitUntilAsync(() => Task.FromResult(load.AcknowledgedAbsences >= 200 && load.AcknowledgedConcerns >= 5), "load acknowledged");

            // 3. The base backup, taken while the load goes on.
            var restored = Path.Combine(root, "restored");
            Directory.CreateDirectory(restored);
            var backupClock = Stopwatch.StartNew();
            await BaseBackupAsync(primary, Path.Combine(restored, "pgdata"));
            load.MarkBackup();
            figures.Add(("base backup (pg_basebackup, under load)", $"{backupClock.Elapsed.TotalSeconds:0.0} s, {DirectorySize(Path.Combine(restored, "pgdata")) / 1024 / 1024} MB"));
            await WaitUntilAsync(() => Task.FromResult(load.AcknowledgedAbsences >= load.AbsencesAtBackup + 100), "load after the backup");

            // 4. A deadline pending at the backup: a meeting whose morning-of reminder comes due shortly.
            var scheduledAt = DateTimeOffset.UtcNow;
            var due = scheduledAt + DeadlineAfter;
            var meetingAt = due.AddHours(1);
            var meetingId = await world.ScheduleMeetingAsync(caseId, meetingAt);

            // 5. The recovery target: a restore point after a known set of acknowledged registrations.
            var acknowledgedBefore = load.Snapshot();
            var auditHeadBefore = await ScalarAsync(primaryData, "select seq from audit_chain_head");
            var lsn = (string)(await primaryData.CreateCommand($"select pg_create_restore_point('{RestorePoint}')::text").ExecuteScalarAsync(Token))!;
            var afterTarget = Stopwatch.GetTimestamp();

            // 6. More load after it, then the deployment is lost.
            await WaitUntilAsync(
                () => Task.FromResult(load.AbsencesSentAfter(afterTarget).Count >= 50 && load.ConcernsSentAfter(afterTarget).Count >= 2), "load after the restore point");
            await stopLoad.CancelAsync();
            await loading;
            var segment = (string)(await primaryData.CreateCommand($"select pg_walfile_name('{lsn}')").ExecuteScalarAsync(Token))!;
            await primaryData.CreateCommand("select pg_switch_wal()").ExecuteNonQueryAsync(Token);
            await WaitUntilAsync(
                async () => string.CompareOrdinal(
                    (string?)await primaryData.CreateCommand("select last_archived_wal from pg_stat_archiver").ExecuteScalarAsync(Token) ?? "", segment) >= 0,
                "the restore point's WAL segment archived");
            figures.Add(("load (2xx before / after the restore point)", $"{acknowledgedBefore.Absences.Count} absences + {acknowledgedBefore.Concerns.Count} concerns / {load.AcknowledgedAbsences - acknowledgedBefore.Absences.Count} + {load.AcknowledgedConcerns - acknowledgedBefore.Concerns.Count}"));
            figures.Add(("WAL segments archived", Directory.GetFiles(archive).Length.ToString(CultureInfo.InvariantCulture)));
            hostA.Kill();
            await hostA.WaitForExitAsync(TimeSpan.FromSeconds(30));
            await primary.StopAsync(Token);

            // 7. The restore: the base backup in a new data folder, the archive's WAL replayed up to the restore point.
            var restoreClock = Stopwatch.StartNew();
            File.Copy(Path.Combine(primary.DataDirectory, "password"), Path.Combine(restored, "password"));
            await File.AppendAllTextAsync(Path.Combine(restored, "pgdata", "postgresql.auto.conf"), $"""

                # The backup drill's recovery settings.
                restore_command = 'cp {archive}/%f %p'
                recovery_target_name = '{RestorePoint}'
                recovery_target_action = 'promote'
                archive_mode = 'off'

                """, Token);
            await File.WriteAllTextAsync(Path.Combine(restored, "pgdata", "recovery.signal"), "", Token);
            GiveToServiceUser(Path.Combine(restored, "pgdata"));
            await using var replica = await LocalPostgresServer.StartAsync(
                new LocalPostgresOptions { DataDirectory = restored, Ephemeral = true, Durable = true, Database = "samverkan" },
                cancellationToken: Token);
            leftovers.Add("postgres", replica.ProcessId);
            var restoredData = NpgsqlDataSource.Create(replica.ConnectionString);
            await using var restoredDataDisposal = restoredData;
            await WaitUntilAsync(async () => !(bool)(await restoredData.CreateCommand("select pg_is_in_recovery()").ExecuteScalarAsync(Token))!, "recovery finished and promoted");
            figures.Add(("restore (recovery to the restore point, promoted)", $"{restoreClock.Elapsed.TotalSeconds:0.0} s"));
            var serverLog = await File.ReadAllTextAsync(Path.Combine(restored, "server.log"), Token);
            checks.Add(new Check("recovery stopped at the restore point", $"recovery stopping at restore point \"{RestorePoint}\"",
                serverLog.Contains($"recovery stopping at restore point \"{RestorePoint}\"", StringComparison.Ordinal) ? "found in the server log" : "not in the server log",
                serverLog.Contains($"recovery stopping at restore point \"{RestorePoint}\"", StringComparison.Ordinal)));

            // What the restored database holds before a host touches it.
            var staleSilos = await ScalarAsync(restoredData, "select count(*) from orleans_membership where status = 3");
            var timersPending = await ScalarAsync(restoredData, "select count(*) from actor_grain_timers where actor_type = 'case' and actor_key = $1 and name = any($2)",
                caseId, new[] { "meeting:" + meetingId, "ack-deadline" });
            var reminders = await ScalarAsync(restoredData, "select count(*) from orleans_reminders where grain_id like $1", "case/" + caseId + "%");
            checks.Add(new Check("deadlines pending in the restored state", "meeting and acknowledgement timers, 1+ reminder row",
                $"{timersPending} timers, {reminders} reminder rows", timersPending == 2 && reminders >= 1));
            figures.Add(("data-protection keys restored", (await ScalarAsync(restoredData, "select count(*) from dataprotection_keys")).ToString(CultureInfo.InvariantCulture)));

            // 8. After the outage, a new host on the restored database.
            var outage = Stopwatch.StartNew();
            await WaitUntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow >= scheduledAt + OutageAtLeast), "the outage's end");
            figures.Add(("outage after the restore (the deployment down)", $"{outage.Elapsed.TotalSeconds:0} s more"));
            var startClock = Stopwatch.StartNew();
            var urlB = $"http://127.0.0.1:{FreePort.Next()}";
            await using var hostB = await StartHostAsync(replica.ConnectionString, tokens, secret, urlB, "restored", leftovers);
            figures.Add(("restored host ready", $"{startClock.Elapsed.TotalSeconds:0.0} s"));
            var readyAt = DateTimeOffset.UtcNow;
            figures.Add(("deadline came due before the restored host was ready", $"{(readyAt - due).TotalSeconds:0} s"));
            var restoredWorld = new World(urlB, tokens);

            // (a) Every registration acknowledged before the restore point, exactly once; nothing sent after it.
            var entries = await AbsenceEntriesAsync(restoredData);
            var missing = acknowledgedBefore.Absences.Count(a => entries.GetValueOrDefault((a.Child, AbsenceEntry.KeyFor(Source, a.SourceId))) == 0);
            var doubled = acknowledgedBefore.Absences.Count(a => entries.GetValueOrDefault((a.Child, AbsenceEntry.KeyFor(Source, a.SourceId))) > 1);
            checks.Add(new Check("absences acknowledged before the point", $"{acknowledgedBefore.Absences.Count} present once",
                $"{acknowledgedBefore.Absences.Count - missing - doubled} once, {missing} missing, {doubled} more than once", missing == 0 && doubled == 0));
            var sentAfter = load.AbsencesSentAfter(afterTarget);
            var leaked = sentAfter.Count(a => entries.ContainsKey((a.Child, AbsenceEntry.KeyFor(Source, a.SourceId))));
            checks.Add(new Check("absences sent after the point", $"0 of {sentAfter.Count} present", $"{leaked} present", leaked == 0 && sentAfter.Count > 0));

            var concerns = await ConcernCountsAsync(restoredData);
            var concernsMissing = acknowledgedBefore.Concerns.Count(c => concerns.GetValueOrDefault(c.Id) == 0);
            var concernsDoubled = acknowledgedBefore.Concerns.Count(c => concerns.GetValueOrDefault(c.Id) > 1);
            checks.Add(new Check("concerns acknowledged before the point", $"{acknowledgedBefore.Concerns.Count} present once",
                $"{acknowledgedBefore.Concerns.Count - concernsMissing - concernsDoubled} once, {concernsMissing} missing, {concernsDoubled} more than once",
                concernsMissing == 0 && concernsDoubled == 0));
            var concernsAfter = load.ConcernsSentAfter(afterTarget);
            var concernsLeaked = concernsAfter.Count(c => concerns.ContainsKey(c.Id));
            checks.Add(new Check("concerns sent after the point", $"0 of {concernsAfter.Count} present", $"{concernsLeaked} present", concernsLeaked == 0));

            // The restored host agrees: every acknowledged registration sent again is a duplicate.
            var (accepted, duplicates) = await restoredWorld.ReplayAsync(acknowledgedBefore.Absences);
            checks.Add(new Check("replayed to the restored host", $"{acknowledgedBefore.Absences.Count} duplicates, 0 accepted",
                $"{duplicates} duplicates, {accepted} accepted", duplicates == acknowledgedBefore.Absences.Count && accepted == 0));

            // (b) The audit chain verifies, and reaches at least as far as it did at the restore point.
            var verify = await restoredWorld.VerifyAuditAsync();
            var valid = verify.GetProperty("isValid").GetBoolean();
            var auditEntries = verify.GetProperty("entries").GetInt64();
            checks.Add(new Check("audit chain verifies", $"valid, {auditHeadBefore}+ entries",
                $"{(valid ? "valid" : "INVALID: " + verify.GetProperty("problem").GetString())}, {auditEntries} entries", valid && auditEntries >= auditHeadBefore));

            // The old deployment's silo, left Active in the restored membership table, is declared dead.
            await WaitUntilAsync(async () => await MembershipAsync(restoredData) is (1, var dead) && dead >= staleSilos, "the stale silos declared dead", throwOnTimeout: false);
            var (activeNow, deadNow) = await MembershipAsync(restoredData);
            checks.Add(new Check("stale silo rows of the lost deployment", $"{staleSilos} Active -> Dead",
                $"{deadNow} Dead, {activeNow} Active (the new silo), {(DateTimeOffset.UtcNow - readyAt).TotalSeconds:0} s after ready", activeNow == 1 && deadNow >= staleSilos));

            // (c) The deadline pending in the backup fires on the restored host.
            var fired = await WaitUntilAsync(
                async () => await ScalarAsync(restoredData, "select count(*) from coord_alerts where staff_id = 'karin' and kind = 'MeetingToday' and case_id = $1", caseId) == 1,
                "the meeting's reminder fired", throwOnTimeout: false);
            var firedAfterReady = DateTimeOffset.UtcNow - readyAt;
            checks.Add(new Check("deadline due during the outage fires", "1 MeetingToday alert on the restored host",
                fired ? $"fired; seen {firedAfterReady.TotalSeconds:0} s after the host was ready" : "did not fire", fired));
            figures.Add(("drill", $"{drill.Elapsed.TotalSeconds:0} s"));

            Report(checks, figures);
            if (checks.Any(c => !c.Passed))
            {
                output.WriteLine("--- restored host ---");
                output.WriteLine(hostB.Output);
            }

            checks.Where(c => !c.Passed).Select(c => c.Name).ShouldBeEmpty();
        }
        finally
        {
            // Every process the drill started is stopped by now (each disposed at the end of its scope).
            DeleteDrillDirectory(root);
            leftovers.AllStopped();
        }
    }

    private void Report(List<Check> checks, List<(string Name, string Value)> figures)
    {
        var width = Math.Max(checks.Max(c => c.Name.Length), figures.Max(f => f.Name.Length));
        var expectedWidth = checks.Max(c => c.Expected.Length);
        output.WriteLine("");
        output.WriteLine($"{"check".PadRight(width)} | {"expected".PadRight(expectedWidth)} | result | actual");
        output.WriteLine($"{new string('-', width)}-|-{new string('-', expectedWidth)}-|--------|-------");
        foreach (var check in checks)
        {
            output.WriteLine($"{check.Name.PadRight(width)} | {check.Expected.PadRight(expectedWidth)} | {(check.Passed ? "PASS  " : "FAIL  ")} | {check.Actual}");
        }

        output.WriteLine("");
        foreach (var (name, value) in figures)
        {
            output.WriteLine($"{name.PadRight(width)} : {value}");
        }

        output.WriteLine("");
        output.WriteLine(checks.All(c => c.Passed) ? $"backup drill: all {checks.Count} checks passed" : $"backup drill: {checks.Count(c => !c.Passed)} of {checks.Count} checks FAILED");
    }

    private async Task<HostProcess> StartHostAsync(string connectionString, TestTokens tokens, string secret, string url, string name, Leftovers leftovers)
    {
        var host = HostProcess.Start(["--urls", url], new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["ConnectionStrings__Samverkan"] = connectionString,
            ["Samverkan__Authentication__Issuer"] = TestTokens.Issuer,
            ["Samverkan__Authentication__Audience"] = TestTokens.Audience,
            ["Samverkan__Authentication__Jwks"] = tokens.Jwks,
            ["Samverkan__Identity__PseudonymSecret"] = secret,
            ["Samverkan__RateLimits__Enabled"] = "false",

            // Checks at the end of the day: a meeting's reminder is then an hour before it (the drill's short deadline).
            ["Samverkan__CaseWork__CheckTime"] = "23:59:59",
            ["Logging__LogLevel__Default"] = "Warning",
        });
        leftovers.Add("host", host.Id);
        if (!await host.WaitUntilOkAsync(url + "/health/ready", ReadyWithin, Token))
        {
            output.WriteLine(host.Output);
            await host.DisposeAsync();
            throw new TimeoutException($"The {name} host did not become ready.");
        }

        return host;
    }

    private static async Task EnableArchivingAsync(LocalPostgresServer server, string archive)
    {
        await using (var connection = new NpgsqlConnection(server.GetConnectionString("postgres")))
        {
            await connection.OpenAsync(Token);
            foreach (var setting in new[]
                     {
                         "alter system set wal_level = 'replica'",
                         "alter system set archive_mode = 'on'",
                         $"alter system set archive_command = 'test ! -f {archive}/%f && cp %p {archive}/%f'",
                     })
            {
                await using var command = new NpgsqlCommand(setting, connection);
                await command.ExecuteNonQueryAsync(Token);
            }
        }

        await server.RestartAsync(Token);
    }

    /// <summary>pg_basebackup of the running server into <paramref name="target"/> (its WAL streamed alongside), as the user PostgreSQL runs as.</summary>
    private static async Task BaseBackupAsync(LocalPostgresServer server, string target)
    {
        var bin = PostgresBinaries.FindBinDirectory() ?? throw new InvalidOperationException("No PostgreSQL binaries.");
        var password = (await File.ReadAllTextAsync(Path.Combine(server.DataDirectory, "password"), Token)).Trim();
        var startInfo = new ProcessStartInfo(Path.Combine(bin, "pg_basebackup"))
        {
            ArgumentList =
            {
                "-h", "127.0.0.1", "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-U", "samverkan",
                "-D", target, "--wal-method=stream", "--checkpoint=fast", "--no-password",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.Environment["PGPASSWORD"] = password;
        startInfo.Environment["LC_MESSAGES"] = "C";
        using var process = Process.Start(startInfo)!;
        var error = process.StandardError.ReadToEndAsync(Token);
        await process.StandardOutput.ReadToEndAsync(Token);
        await process.WaitForExitAsync(Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg_basebackup failed with exit code {process.ExitCode}: {await error}");
        }
    }

    /// <summary>Every absence entry in the children's stored state, counted by (child, registration key).</summary>
    private static async Task<Dictionary<(string Child, string Key), int>> AbsenceEntriesAsync(NpgsqlDataSource database)
    {
        var result = new Dictionary<(string, string), int>();
        await using var command = database.CreateCommand(
            """
            select actor_key, e ->> 'k', count(*)
              from actor_grain_state, jsonb_array_elements(state -> 'absence' -> 'days') d, jsonb_array_elements(d -> 'e') e
             where actor_type = 'child'
             group by 1, 2
            """);
        await using var reader = await command.ExecuteReaderAsync(Token);
        while (await reader.ReadAsync(Token))
        {
            result[(reader.GetString(0), reader.GetString(1))] = (int)reader.GetInt64(2);
        }

        return result;
    }

    /// <summary>Every report of concern in the children's stored state, counted by its id.</summary>
    private static async Task<Dictionary<string, int>> ConcernCountsAsync(NpgsqlDataSource database)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var command = database.CreateCommand(
            """
            select c ->> 'id', count(*)
              from actor_grain_state, jsonb_array_elements(state -> 'concerns') c
             where actor_type = 'child'
             group by 1
            """);
        await using var reader = await command.ExecuteReaderAsync(Token);
        while (await reader.ReadAsync(Token))
        {
            result[reader.GetString(0)] = (int)reader.GetInt64(1);
        }

        return result;
    }

    /// <summary>Silos Active (status 3) and Dead (6) in the membership table.</summary>
    private static async Task<(long Active, long Dead)> MembershipAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand("select count(*) filter (where status = 3), count(*) filter (where status = 6) from orleans_membership");
        await using var reader = await command.ExecuteReaderAsync(Token);
        await reader.ReadAsync(Token);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql, params object[] parameters)
    {
        await using var command = database.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(Token), CultureInfo.InvariantCulture);
    }

    private static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, string what, bool throwOnTimeout = true, TimeSpan? within = null)
    {
        var clock = Stopwatch.StartNew();
        var budget = within ?? ConditionWithin;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return true;
                }
            }
            catch (NpgsqlException) when (clock.Elapsed < budget)
            {
                // Not answering yet (a server starting up): ask again.
            }

            if (clock.Elapsed > budget)
            {
                return throwOnTimeout ? throw new TimeoutException($"Timed out waiting for: {what}") : false;
            }

            await Task.Delay(200, Token);
        }
    }

    private static ImmutableDays SchoolDays(DateOnly today) =>
        new([.. SchoolCalendar.SwedishDefault(new MunicipalityCode(Municipality), today.Year - 2, today.Year).LastSchoolDays(today, 20)]);

    private static string ToBase32(int value)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        return string.Concat(Alphabet[value / 32 % 32], Alphabet[value % 32]);
    }

    private static string NewDrillDirectory()
    {
        // Under /tmp when root: the postgres user must be able to reach it.
        var parent = Environment.IsPrivilegedProcess ? "/tmp" : Path.GetTempPath();
        var directory = Path.Combine(parent, "samverkan-drill-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        if (Environment.IsPrivilegedProcess && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        }

        return directory;
    }

    private static void CreateServiceDirectory(string directory)
    {
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        GiveToServiceUser(directory);
    }

    /// <summary>As root, PostgreSQL runs as <c>postgres</c>: its data folder (and the WAL archive) must be that user's.</summary>
    private static void GiveToServiceUser(string path)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return;
        }

        using var chown = Process.Start(new ProcessStartInfo("chown", ["-R", "postgres:postgres", path]) { UseShellExecute = false })!;
        chown.WaitForExit();
        chown.ExitCode.ShouldBe(0, $"chown -R postgres:postgres {path}");
    }

    private static long DirectorySize(string path) =>
        new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    private static void DeleteDrillDirectory(string root)
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>
    /// What the drill starts, written to the file <c>SAMVERKAN_DRILL_LEFTOVERS</c> names (scripts/backup-drill.sh): if the
    /// drill is interrupted before it has stopped them, the script stops what is not marked stopped.
    /// </summary>
    private sealed class Leftovers
    {
        private readonly string? _file = Environment.GetEnvironmentVariable("SAMVERKAN_DRILL_LEFTOVERS");
        private readonly List<int> _processes = [];

        public void Add(string kind, object value)
        {
            if (value is int process)
            {
                _processes.Add(process);
            }

            Write($"{kind} {Convert.ToString(value, CultureInfo.InvariantCulture)}");
        }

        public void AllStopped()
        {
            foreach (var process in _processes)
            {
                Write($"stopped {process.ToString(CultureInfo.InvariantCulture)}");
            }
        }

        private void Write(string line)
        {
            if (!string.IsNullOrEmpty(_file))
            {
                File.AppendAllText(_file, line + "\n");
            }
        }
    }

    private sealed record Check(string Name, string Expected, string Actual, bool Passed);

    private sealed record ImmutableDays(DateOnly[] Days);

    private sealed record Absence(string Child, string SourceId, DateOnly Date, long SentAt, long AcknowledgedAt);

    private sealed record ConcernReport(string Child, string Id, long SentAt, long AcknowledgedAt);

    private sealed record Acknowledged(IReadOnlyList<Absence> Absences, IReadOnlyList<ConcernReport> Concerns);

    /// <summary>The municipality, its school and staff, set up through the roster API as the case-work tests do.</summary>
    private sealed class World(string url, TestTokens tokens)
    {
        public HttpClient Feed { get; } = Client(url, tokens.Feed("skolsystem", SchoolOrganisation, Municipality, "School"));

        public HttpClient Counsellor { get; } = Client(url, tokens.Person("karin", SchoolOrganisation, Municipality, "School", "Counsellor"));

        public HttpClient Reviewer { get; } = Client(url, tokens.Person("rita", "org-1280-kommun", Municipality, "SocialServices", "AuditReviewer"));

        public async Task SetUpAsync()
        {
            await PutAsync($"/api/v1/municipalities/{Municipality}", new { name = "Testkommun", regionCode = "12", coordinatorTeam = Coordinators });
            foreach (var (id, org, agency, role, manager) in new[]
                     {
                         ("maria", SchoolOrganisation, "School", "Coordinator", (string?)null), ("anna", SchoolOrganisation, "School", "Principal", "maria"),
                         ("karin", SchoolOrganisation, "School", "Counsellor", "maria"),
                         ("sofia", SocialOrganisation, "SocialServices", "SocialWorker", null), ("ahmed", SocialOrganisation, "SocialServices", "SocialWorker", null),
                     })
            {
                await PutAsync($"/api/v1/staff/{id}", new { id, displayName = id, organisation = org, agency, roles = new[] { role }, manager });
            }

            await PutTeamAsync(HealthTeam, "School", SchoolOrganisation, ("anna", "Principal"), ("karin", "Counsellor"));
            await PutTeamAsync(SocialTeam, "SocialServices", SocialOrganisation, ("sofia", "SocialWorker"), ("ahmed", "SocialWorker"));
            await PutTeamAsync(Coordinators, "School", SchoolOrganisation, ("maria", "Coordinator"));
            await PutAsync($"/api/v1/schools/{School}", new
            {
                id = School, name = "Tallskolan", municipality = Municipality, kind = "Compulsory", organisation = SchoolOrganisation,
                studentHealthTeam = HealthTeam,
                socialServices = new { organisation = SocialOrganisation, team = SocialTeam, contactPersons = new[] { "sofia", "ahmed" } },
            });
        }

        public async Task EnrolAsync(IEnumerable<string> pupils)
        {
            var response = await Feed.PostAsJsonAsync("/api/v1/roster/batch", new
            {
                children = pupils.Select(key => new
                {
                    child = new { key }, homeMunicipality = Municipality, enrolments = new[] { new { school = School, from = "2024-08-19" } },
                    namedPerson = new { staff = "anna", agency = "School" },
                }),
            }, Json, Token);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Token));
        }

        public async Task ReportConcernAsync(string key, string id, DateOnly date)
        {
            using var response = await PostConcernAsync(key, id, date, Token);
            response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Token));
        }

        public Task<HttpResponseMessage> PostConcernAsync(string key, string id, DateOnly date, CancellationToken cancellationToken) =>
            Counsellor.PostAsJsonAsync("/api/v1/concerns", new
            {
                id,
                child = new { key },
                category = "Neglect",
                date = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                summary = "Kommer ofta utan frukost.",
            }, Json, cancellationToken);

        public Task<HttpResponseMessage> PostAbsencesAsync(IEnumerable<Absence> items, CancellationToken cancellationToken) =>
            Feed.PostAsJsonAsync("/api/v1/absences/batch", new
            {
                items = items.Select(a => new
                {
                    source = Source, sourceId = a.SourceId, pupil = new { key = a.Child }, school = School,
                    date = a.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    offeredMinutes = 60, attendanceMinutes = 50, validAbsenceMinutes = 10,
                    reportedTimestamp = new DateTimeOffset(a.Date.ToDateTime(new TimeOnly(16, 0)), TimeSpan.Zero),
                }),
            }, Json, cancellationToken);

        public async Task<string> ScheduleMeetingAsync(string caseId, DateTimeOffset at)
        {
            var response = await Counsellor.PostAsJsonAsync($"/api/v1/cases/{caseId}/meetings", new { at, purpose = "Planering" }, Json, Token);
            var text = await response.Content.ReadAsStringAsync(Token);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
            return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
        }

        /// <summary>Sends the registrations again, in batches: how many the host accepted and how many it counted as duplicates.</summary>
        public async Task<(int Accepted, int Duplicates)> ReplayAsync(IReadOnlyList<Absence> absences)
        {
            var (accepted, duplicates) = (0, 0);
            foreach (var batch in absences.Chunk(500))
            {
                using var response = await PostAbsencesAsync(batch, Token);
                var text = await response.Content.ReadAsStringAsync(Token);
                response.StatusCode.ShouldBe(HttpStatusCode.Accepted, text);
                var receipt = JsonDocument.Parse(text).RootElement;
                accepted += receipt.GetProperty("accepted").GetInt32();
                duplicates += receipt.GetProperty("duplicates").GetInt32();
            }

            return (accepted, duplicates);
        }

        public async Task<JsonElement> VerifyAuditAsync()
        {
            using var response = await Reviewer.GetAsync("/api/v1/audit/verify", Token);
            var text = await response.Content.ReadAsStringAsync(Token);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
            return JsonDocument.Parse(text).RootElement.Clone();
        }

        private static HttpClient Client(string url, string token)
        {
            var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }

        private Task PutTeamAsync(string id, string agency, string organisation, params (string Staff, string Role)[] members) =>
            PutAsync($"/api/v1/teams/{id}", new
            {
                id, name = id, agency, organisation, municipality = Municipality,
                members = members.Select(m => new { staff = m.Staff, role = m.Role }).ToArray(),
            });

        private async Task PutAsync(string path, object body)
        {
            using var response = await Feed.PutAsJsonAsync(path, body, Json, Token);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{path}: {await response.Content.ReadAsStringAsync(Token)}");
        }
    }

    /// <summary>
    /// Two feeds posting absence batches and a counsellor reporting concerns, as fast as the host answers. Each request is
    /// stamped when sent and, on a 2xx, when answered; a request that fails is simply not acknowledged.
    /// </summary>
    private sealed class Load(World world, string[] pupils, ImmutableDays days)
    {
        private readonly ConcurrentQueue<Absence> _absences = new();
        private readonly ConcurrentQueue<ConcernReport> _concerns = new();
        private readonly ConcurrentQueue<(string Kind, string Child, string Id, long SentAt)> _sent = new();

        public int AcknowledgedAbsences => _absences.Count;

        public int AcknowledgedConcerns => _concerns.Count;

        public int AbsencesAtBackup { get; private set; }

        public Task RunAsync(CancellationToken stop) =>
            Task.WhenAll(AbsencesAsync(stop), AbsencesAsync(stop), ConcernsAsync(stop));

        /// <summary>What was acknowledged until now (taken before the restore point is created).</summary>
        public Acknowledged Snapshot()
        {
            var cut = Stopwatch.GetTimestamp();
            return new([.. _absences.Where(a => a.AcknowledgedAt < cut)], [.. _concerns.Where(c => c.AcknowledgedAt < cut)]);
        }

        public List<Absence> AbsencesSentAfter(long tick) =>
            [.. _sent.Where(s => s.Kind == "absence" && s.SentAt > tick).Select(s => new Absence(s.Child, s.Id, default, s.SentAt, 0))];

        public List<ConcernReport> ConcernsSentAfter(long tick) =>
            [.. _sent.Where(s => s.Kind == "concern" && s.SentAt > tick).Select(s => new ConcernReport(s.Child, s.Id, s.SentAt, 0))];

        public void MarkBackup() => AbsencesAtBackup = _absences.Count;

        private async Task AbsencesAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                var sentAt = Stopwatch.GetTimestamp();
                var batch = Enumerable.Range(0, 25)
                    .Select(_ => new Absence(pupils[Random.Shared.Next(pupils.Length)], Guid.NewGuid().ToString("N"), days.Days[Random.Shared.Next(days.Days.Length)], sentAt, 0))
                    .ToList();
                foreach (var item in batch)
                {
                    _sent.Enqueue(("absence", item.Child, item.SourceId, sentAt));
                }

                try
                {
                    using var response = await world.PostAbsencesAsync(batch, CancellationToken.None);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        var at = Stopwatch.GetTimestamp();
                        foreach (var item in batch)
                        {
                            _absences.Enqueue(item with { AcknowledgedAt = at });
                        }
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // Not acknowledged.
                }
            }
        }

        private async Task ConcernsAsync(CancellationToken stop)
        {
            var today = SwedishTime.DateOf(DateTimeOffset.UtcNow);
            while (!stop.IsCancellationRequested)
            {
                var child = pupils[Random.Shared.Next(pupils.Length)];
                var id = "oro-" + Guid.NewGuid().ToString("N")[..12];
                var sentAt = Stopwatch.GetTimestamp();
                _sent.Enqueue(("concern", child, id, sentAt));
                try
                {
                    using var response = await world.PostConcernAsync(child, id, today.AddDays(-1), CancellationToken.None);
                    if (response.IsSuccessStatusCode)
                    {
                        _concerns.Enqueue(new ConcernReport(child, id, sentAt, Stopwatch.GetTimestamp()));
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // Not acknowledged.
                }

                await Task.Delay(200, CancellationToken.None);
            }
        }
    }
}
