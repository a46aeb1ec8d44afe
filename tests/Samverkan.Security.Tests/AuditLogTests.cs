using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;
using Samverkan.Host.Security;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>The audit log: one valid chain under concurrent writers, tampering detected, rows unchangeable, 503 when unwritable.</summary>
public sealed class AuditLogTests(PostgresServerFixture postgres)
{
    [Fact]
    public async Task ConcurrentAppends_FromTwoNodes_FormOneValidChain()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var first = new SecurityHostFactory(database.ConnectionString, identityProvider: null);
        await using var second = new SecurityHostFactory(database.ConnectionString, identityProvider: null);
        var logs = new[] { first.Services.GetRequiredService<IAuditLog>(), second.Services.GetRequiredService<IAuditLog>() };

        await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(
            () => logs[i % 2].RecordAsync(Entry($"staff-{i % 7}", Child(i)), Http.Token), Http.Token)));

        var verification = await first.Services.GetRequiredService<AuditReview>().VerifyAsync(Http.Token);
        verification.IsValid.ShouldBeTrue(verification.Problem);
        verification.Entries.ShouldBe(400);
        verification.HeadSequence.ShouldBe(400);
        (await ScalarAsync<long>(database, "select count(distinct seq) from audit_log")).ShouldBe(400);
    }

    [Fact]
    public async Task RecordAsync_ReturnsOnlyOnceTheEntryIsCommitted()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var factory = new SecurityHostFactory(database.ConnectionString, identityProvider: null);
        var log = factory.Services.GetRequiredService<IAuditLog>();

        await log.RecordAsync(Entry("staff-1", Child(1)) with { Purpose = "planning meeting" }, Http.Token);

        (await ScalarAsync<string>(database, "select purpose from audit_log where child_key = '" + Child(1).Value + "'")).ShouldBe("planning meeting");
    }

    public static TheoryData<string> Tamperings => new()
    {
        "update purpose", "update staff", "update time", "delete a middle row", "delete the last row", "forge a row with a correct hash",
    };

    [Theory]
    [MemberData(nameof(Tamperings))]
    public async Task Tampering_IsDetectedByVerify(string tampering)
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var factory = new SecurityHostFactory(database.ConnectionString, identityProvider: null);
        var log = factory.Services.GetRequiredService<IAuditLog>();
        for (var i = 1; i <= 5; i++)
        {
            await log.RecordAsync(Entry("staff-1", Child(i)), Http.Token);
        }

        var review = factory.Services.GetRequiredService<AuditReview>();
        (await review.VerifyAsync(Http.Token)).IsValid.ShouldBeTrue();

        // As a superuser who disables the append-only trigger: what an attacker with owner rights could do.
        await ExecuteAsync(database, "alter table audit_log disable trigger audit_log_append_only; " + tampering switch
        {
            "update purpose" => "update audit_log set purpose = 'routine' where seq = 3",
            "update staff" => "update audit_log set staff_id = 'someone-else' where seq = 3",
            "update time" => "update audit_log set at = at + interval '1 hour' where seq = 3",
            "delete a middle row" => "delete from audit_log where seq = 3",
            "delete the last row" => "delete from audit_log where seq = 5",
            _ => await ForgeRowAsync(database, 3, "routine"),
        });

        var verification = await review.VerifyAsync(Http.Token);

        verification.IsValid.ShouldBeFalse();
        verification.FirstInvalidSequence.ShouldBe(tampering switch
        {
            "delete the last row" => 5,
            "forge a row with a correct hash" => 4,
            _ => 3,
        });
        verification.Problem.ShouldNotBeNullOrEmpty();
    }

    [Theory]
    [InlineData("update audit_log set purpose = 'routine'")]
    [InlineData("delete from audit_log")]
    [InlineData("truncate audit_log")]
    [InlineData("update audit_chain_head set seq = 0, hash = decode(repeat('00', 32), 'hex')")]
    [InlineData("delete from audit_chain_head")]
    public async Task ChangingTheLog_IsRefusedEvenForTheOwner(string sql)
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var factory = new SecurityHostFactory(database.ConnectionString, identityProvider: null);
        await factory.Services.GetRequiredService<IAuditLog>().RecordAsync(Entry("staff-1", Child(1)), Http.Token);

        var refused = await Should.ThrowAsync<PostgresException>(() => ExecuteAsync(database, sql));

        refused.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        (await factory.Services.GetRequiredService<AuditReview>().VerifyAsync(Http.Token)).IsValid.ShouldBeTrue();
    }

    [Fact]
    public async Task ApplicationRole_CanAppendButNotChangeOrUnprotect()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using (var owner = new SecurityHostFactory(database.ConnectionString, identityProvider: null))
        {
            owner.CreateClient().Dispose();
        }

        var role = "app_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(database, $"""
            create role {role} login password 'app-password';
            grant connect on database "{database.Name}" to {role};
            grant usage on schema public to {role};
            grant select, insert, update, delete on all tables in schema public to {role};
            grant usage on all sequences in schema public to {role};
            revoke all on audit_log, audit_chain_head, audit_anomalies, dataprotection_keys from {role};
            grant select, insert on audit_log to {role};
            grant select, update on audit_chain_head to {role};
            grant select, insert on audit_anomalies, dataprotection_keys to {role};
            """);
        try
        {
            var appConnection = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Username = role, Password = "app-password", Pooling = false };
            await using (var asApp = new SecurityHostFactory(appConnection.ConnectionString, identityProvider: null, settings: new Dictionary<string, string?>
            {
                ["Samverkan:Database:MigrateOnStart"] = "false",
            }))
            {
                await asApp.Services.GetRequiredService<IAuditLog>().RecordAsync(Entry("staff-1", Child(1)), Http.Token);
            }

            await using var connection = new NpgsqlConnection(appConnection.ConnectionString);
            await connection.OpenAsync(Http.Token);
            foreach (var sql in new[]
            {
                "update audit_log set purpose = 'routine'",
                "delete from audit_log",
                "truncate audit_log",
                "alter table audit_log disable trigger audit_log_append_only",
            })
            {
                await using var command = new NpgsqlCommand(sql, connection);
                (await Should.ThrowAsync<PostgresException>(() => command.ExecuteNonQueryAsync(Http.Token)))
                    .SqlState.ShouldBeOneOf(PostgresErrorCodes.InsufficientPrivilege);
            }

            (await ScalarAsync<long>(database, "select count(*) from audit_log")).ShouldBe(1);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(database, $"drop owned by {role}; drop role {role};");
        }
    }

    [Fact]
    public async Task AuditUnavailable_ReadAnswers503WithRetryAfterAndNoData()
    {
        using var idp = new TestIdentityProvider();
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var factory = new SecurityHostFactory(database.ConnectionString, idp, settings: new Dictionary<string, string?>
        {
            ["Samverkan:Audit:WriteTimeout"] = "00:00:01",
            ["Samverkan:Audit:RetryAfterSeconds"] = "7",
        });
        using var client = factory.CreateClientWithToken(idp.Token(AccessWorld.Callers["eht-member"]));
        await AccessWorld.SeedAsync(database.DataSource, TimeProvider.System, factory.Services);
        var path = "/api/v1/securitytest/children/" + AccessWorld.Children["related"];
        (await client.GetAsync(path, Http.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Another transaction holds the chain head: the audit write cannot finish in time.
        await using var blocker = await database.DataSource.OpenConnectionAsync(Http.Token);
        await using var transaction = await blocker.BeginTransactionAsync(Http.Token);
        await using (var lockHead = new NpgsqlCommand("select 1 from audit_chain_head for update", blocker, transaction))
        {
            await lockHead.ExecuteNonQueryAsync(Http.Token);
        }

        var response = await client.GetAsync(path, Http.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(7));
        var body = await response.Content.ReadAsStringAsync(Http.Token);
        body.ShouldNotContain(SecurityHostFactory.ChildSecret);
        (await Http.ProblemAsync(response)).GetProperty("title").GetString().ShouldBe("Audit log unavailable");
        await transaction.RollbackAsync(Http.Token);
        (await client.GetAsync(path, Http.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AuditTableGone_ReadAnswers503()
    {
        using var idp = new TestIdentityProvider();
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var factory = new SecurityHostFactory(database.ConnectionString, idp);
        using var client = factory.CreateClientWithToken(idp.Token(AccessWorld.Callers["eht-member"]));
        await AccessWorld.SeedAsync(database.DataSource, TimeProvider.System, factory.Services);
        await ExecuteAsync(database, "alter table audit_log rename to audit_log_moved");

        var response = await client.GetAsync("/api/v1/securitytest/children/" + AccessWorld.Children["related"], Http.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadAsStringAsync(Http.Token)).ShouldNotContain(SecurityHostFactory.ChildSecret);
    }

    [Fact]
    public async Task Reviewer_SeesWhoAccessedAChildWithTheStatedPurpose()
    {
        using var idp = new TestIdentityProvider();
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var factory = new SecurityHostFactory(database.ConnectionString, idp);
        using var counsellor = factory.CreateClientWithToken(idp.Token(AccessWorld.Callers["eht-member"]));
        using var nurse = factory.CreateClientWithToken(idp.Token(AccessWorld.Callers["bvc-nurse"]));
        using var reviewer = factory.CreateClientWithToken(idp.Token(AccessWorld.Callers["reviewer"]));
        using var otherReviewer = factory.CreateClientWithToken(idp.Token(
            new TestPerson("reviewer-2002", "org-kommun-2002", "2002", "SocialServices", ["AuditReviewer"], "02")));
        await AccessWorld.SeedAsync(database.DataSource, TimeProvider.System, factory.Services);
        var child = AccessWorld.Children["related"];
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/securitytest/children/" + child))
        {
            request.Headers.Add(AuditEntry.PurposeHeader, "prepare the SIP meeting");
            (await counsellor.SendAsync(request, Http.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await nurse.GetAsync("/api/v1/securitytest/children/" + child, Http.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await nurse.GetAsync("/api/v1/securitytest/children/" + AccessWorld.Children["unrelated"], Http.Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var response = await reviewer.GetAsync("/api/v1/audit/children/" + child, Http.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var items = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Http.Token)).RootElement.GetProperty("items").EnumerateArray().ToList();
        items.Select(i => (i.GetProperty("staff").GetString(), i.GetProperty("action").GetString(), i.GetProperty("purpose").GetString()))
            .ShouldBe([
                ("eht-member", "read", "prepare the SIP meeting"),
                ("bvc-nurse", "read", "test: open a child"),
                ("reviewer-1001", "review", "audit review"),
            ]);
        items[0].GetProperty("resource").GetString().ShouldBe("GET /api/v1/securitytest/children/{childKey}");
        items[0].GetProperty("organisation").GetString().ShouldBe("org-school-1");

        // Another municipality's reviewer sees nothing of it but their own (audited) review; the denied read left no entry.
        var other = JsonDocument.Parse(await otherReviewer.GetStringAsync("/api/v1/audit/children/" + child, Http.Token)).RootElement;
        other.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("staff").GetString()).ShouldBe(["reviewer-2002"]);
        (await ScalarAsync<long>(database, $"select count(*) from audit_log where child_key = '{AccessWorld.Children["unrelated"]}'")).ShouldBe(0);

        // The reviews are audited too.
        (await ScalarAsync<long>(database, $"select count(*) from audit_log where action = 'review' and child_key = '{child}'")).ShouldBe(2);
        var verify = JsonDocument.Parse(await reviewer.GetStringAsync("/api/v1/audit/verify", Http.Token)).RootElement;
        verify.GetProperty("isValid").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task OneUserOpeningManyChildren_RecordsOneAnomaly()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Http.Token);
        await using var factory = new SecurityHostFactory(database.ConnectionString, identityProvider: null, settings: new Dictionary<string, string?>
        {
            ["Samverkan:Audit:AnomalyThreshold"] = "5",
            ["Samverkan:Audit:AnomalyWindow"] = "00:30:00",
        });
        var log = factory.Services.GetRequiredService<IAuditLog>();
        var start = DateTimeOffset.UtcNow;

        // Many reads of the same few children, and another user: no anomaly.
        for (var i = 0; i < 12; i++)
        {
            await log.RecordAsync(Entry("steady", Child(i % 4), start.AddMinutes(i)), Http.Token);
        }

        // Spread over more than the window: no anomaly either.
        for (var i = 0; i < 6; i++)
        {
            await log.RecordAsync(Entry("slow", Child(100 + i), start.AddMinutes(i * 10)), Http.Token);
        }

        for (var i = 0; i < 8; i++)
        {
            await log.RecordAsync(Entry("browser", Child(200 + i), start.AddMinutes(i)), Http.Token);
        }

        var anomalies = await WaitForAsync(database, "select count(*) from audit_anomalies where staff_id = 'browser'", 1);
        anomalies.ShouldBe(1);
        (await ScalarAsync<int>(database, "select distinct_children from audit_anomalies where staff_id = 'browser'")).ShouldBe(5);
        (await ScalarAsync<long>(database, "select count(*) from audit_anomalies where staff_id <> 'browser'")).ShouldBe(0);
    }

    /// <summary>
    /// SQL that rewrites row <paramref name="sequence"/> with another purpose and a hash that is right for the new content
    /// (computed here from the documented canonical form), as an attacker who knows the format would.
    /// </summary>
    private static async Task<string> ForgeRowAsync(TestDatabase database, long sequence, string purpose)
    {
        await using var command = database.DataSource.CreateCommand(
            "select seq, at, staff_id, organisation, municipality, child_key, action, resource, request_id, trace_id, prev_hash from audit_log where seq = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = sequence });
        await using var reader = await command.ExecuteReaderAsync(Http.Token);
        (await reader.ReadAsync(Http.Token)).ShouldBeTrue();
        var previous = reader.GetFieldValue<byte[]>(10);
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        hash.AppendData(previous);
        hash.AppendData([1]);
        hash.AppendData(BigEndian(reader.GetInt64(0)));
        hash.AppendData(BigEndian((reader.GetFieldValue<DateTimeOffset>(1).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10));
        string?[] texts =
        [
            reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6),
            purpose, reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9),
        ];
        foreach (var text in texts)
        {
            var bytes = text is null ? null : System.Text.Encoding.UTF8.GetBytes(text);
            var length = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, bytes?.Length ?? -1);
            hash.AppendData(length);
            hash.AppendData(bytes ?? []);
        }

        var forged = Convert.ToHexStringLower(hash.GetHashAndReset());
        return $"update audit_log set purpose = '{purpose}', hash = decode('{forged}', 'hex') where seq = {sequence}";

        static byte[] BigEndian(long value)
        {
            var bytes = new byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes, value);
            return bytes;
        }
    }

    internal static AuditEntry Entry(string staff, PseudonymousKey? child, DateTimeOffset? at = null) => new(
        new StaffId(staff), new OrganisationId("org-school-1"), new MunicipalityCode("1001"), child, AuditAction.Read,
        "test", "GET /test", at ?? DateTimeOffset.UtcNow, "request-" + Guid.NewGuid().ToString("N")[..8], null);

    internal static PseudonymousKey Child(int number) =>
        new("c_child" + new string('a', 12) + Base32(number));

    private static string Base32(int number)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var text = "";
        do
        {
            text = alphabet[number % 32] + text;
            number /= 32;
        }
        while (number > 0);
        return text;
    }

    private static async Task<long> WaitForAsync(TestDatabase database, string sql, long expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        long value;
        while ((value = await ScalarAsync<long>(database, sql)) < expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Http.Token);
        }

        // Give a wrongly repeated anomaly the chance to appear.
        await Task.Delay(300, Http.Token);
        return await ScalarAsync<long>(database, sql);
    }

    internal static async Task ExecuteAsync(TestDatabase database, string sql)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(Http.Token);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Http.Token);
    }

    internal static async Task<T> ScalarAsync<T>(TestDatabase database, string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync(Http.Token))!, typeof(T), CultureInfo.InvariantCulture);
    }
}
