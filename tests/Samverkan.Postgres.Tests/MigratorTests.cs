using Npgsql;
using Samverkan.Testing;

namespace Samverkan.Postgres.Tests;

public sealed class MigratorTests(PostgresServerFixture postgres)
{
    private static readonly MigrationSource First = new("first", typeof(MigratorTests).Assembly);
    private static readonly MigrationSource Second = new("second", typeof(MigratorTests).Assembly);

    [Fact]
    public void Load_ReadsEmbeddedFilesOrderedByFileNameWithModuleIds()
    {
        var migrations = Migration.Load([First]);

        migrations.Select(m => m.Id).ShouldBe(["first/0001_log", "first/0002_widgets", "first/0010_slow"]);
        migrations.ShouldAllBe(m => m.Checksum.Length == 64);
    }

    [Fact]
    public async Task ApplyAsync_AppliesSourcesInOrderThenFilesInOrder()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken);

        var applied = await Migrator.ApplyAsync(database.DataSource, [First, Second], cancellationToken: TestContext.Current.CancellationToken);

        applied.ShouldBe(6);
        (await QueryStringsAsync(database, "SELECT step FROM migration_log ORDER BY seq"))
            .ShouldBe(["0001", "0002", "0010", "0001", "0002", "0010"]);
        (await QueryStringsAsync(database, "SELECT id || ' ' || module FROM schema_migrations ORDER BY applied_at, id"))
            .ShouldBe([
                "first/0001_log first", "first/0002_widgets first", "first/0010_slow first",
                "second/0001_log second", "second/0002_widgets second", "second/0010_slow second",
            ]);
    }

    [Fact]
    public async Task ApplyAsync_IsIdempotent()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken);

        var first = await Migrator.ApplyAsync(database.DataSource, [First], cancellationToken: TestContext.Current.CancellationToken);
        var second = await Migrator.ApplyAsync(database.DataSource, [First], cancellationToken: TestContext.Current.CancellationToken);

        first.ShouldBe(3);
        second.ShouldBe(0);
        (await QueryStringsAsync(database, "SELECT step FROM migration_log ORDER BY seq")).ShouldBe(["0001", "0002", "0010"]);
    }

    [Fact]
    public async Task ApplyAsync_AppliesOnlyMigrationsOfNewSources()
    {
        await using var database = await postgres.CreateDatabaseAsync([First], TestContext.Current.CancellationToken);

        var applied = await Migrator.ApplyAsync(database.DataSource, [First, Second], cancellationToken: TestContext.Current.CancellationToken);

        applied.ShouldBe(3);
        (await QueryStringsAsync(database, "SELECT id FROM schema_migrations WHERE module = 'second' ORDER BY id"))
            .ShouldBe(["second/0001_log", "second/0002_widgets", "second/0010_slow"]);
    }

    [Fact]
    public async Task ApplyAsync_ChangedChecksum_ThrowsNamingTheMigrationAndAppliesNothing()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken);
        await Migrator.ApplyAsync(database.DataSource, [First], cancellationToken: TestContext.Current.CancellationToken);
        await ExecuteAsync(database, "UPDATE schema_migrations SET checksum = 'edited' WHERE id = 'first/0002_widgets'");

        var exception = await Should.ThrowAsync<InvalidOperationException>(
            () => Migrator.ApplyAsync(database.DataSource, [First, Second], cancellationToken: TestContext.Current.CancellationToken));

        exception.Message.ShouldContain("first/0002_widgets");
        (await QueryStringsAsync(database, "SELECT id FROM schema_migrations WHERE module = 'second'")).ShouldBeEmpty();
    }

    [Fact]
    public async Task ApplyAsync_FailingMigration_RollsItBackAndKeepsEarlierOnes()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken);
        // A table in the way with another shape makes 0002's insert fail.
        await ExecuteAsync(database, "CREATE TABLE widgets (name text)");

        var exception = await Should.ThrowAsync<InvalidOperationException>(
            () => Migrator.ApplyAsync(database.DataSource, [First], cancellationToken: TestContext.Current.CancellationToken));

        exception.Message.ShouldContain("first/0002_widgets");
        (await QueryStringsAsync(database, "SELECT id FROM schema_migrations")).ShouldBe(["first/0001_log"]);
        (await QueryStringsAsync(database, "SELECT step FROM migration_log ORDER BY seq")).ShouldBe(["0001"]);
        (await Migrator.IsUpToDateAsync(database.DataSource, [First], TestContext.Current.CancellationToken)).ShouldBeFalse();
    }

    [Fact]
    public async Task ApplyAsync_ConcurrentCallers_ApplyEachMigrationExactlyOnce()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken);
        var dataSources = Enumerable.Range(0, 4).Select(_ => NpgsqlDataSource.Create(database.ConnectionString)).ToArray();
        try
        {
            var results = await Task.WhenAll(dataSources.Select(
                dataSource => Task.Run(() => Migrator.ApplyAsync(dataSource, [First, Second], cancellationToken: TestContext.Current.CancellationToken))));

            results.Sum().ShouldBe(6);
            results.Count(r => r == 6).ShouldBe(1);
            (await QueryStringsAsync(database, "SELECT step FROM migration_log ORDER BY seq"))
                .ShouldBe(["0001", "0002", "0010", "0001", "0002", "0010"]);
            (await QueryStringsAsync(database, "SELECT count(*)::text FROM schema_migrations")).ShouldBe(["6"]);
        }
        finally
        {
            foreach (var dataSource in dataSources)
            {
                await dataSource.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ApplyAsync_ReleasesTheAdvisoryLock()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken);

        await Migrator.ApplyAsync(database.DataSource, [First], cancellationToken: TestContext.Current.CancellationToken);

        (await QueryStringsAsync(database, $"SELECT count(*)::text FROM pg_locks WHERE locktype = 'advisory' AND objid = {Migrator.AdvisoryLockKey & 0xFFFFFFFF}"))
            .ShouldBe(["0"]);
    }

    [Fact]
    public async Task IsUpToDateAsync_TellsWhetherEveryMigrationIsRecorded()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken);
        var cancellationToken = TestContext.Current.CancellationToken;

        (await Migrator.IsUpToDateAsync(database.DataSource, [First], cancellationToken)).ShouldBeFalse();
        (await Migrator.IsUpToDateAsync(database.DataSource, [], cancellationToken)).ShouldBeTrue();
        await Migrator.ApplyAsync(database.DataSource, [First], cancellationToken: cancellationToken);
        (await Migrator.IsUpToDateAsync(database.DataSource, [First], cancellationToken)).ShouldBeTrue();
        (await Migrator.IsUpToDateAsync(database.DataSource, [First, Second], cancellationToken)).ShouldBeFalse();
    }

    [Fact]
    public async Task CreateDatabaseAsync_WithMigrations_CopiesAMigratedTemplate()
    {
        await using var one = await postgres.CreateDatabaseAsync([First], TestContext.Current.CancellationToken);
        await using var two = await postgres.CreateDatabaseAsync([First], TestContext.Current.CancellationToken);

        one.Name.ShouldNotBe(two.Name);
        (await Migrator.IsUpToDateAsync(one.DataSource, [First], TestContext.Current.CancellationToken)).ShouldBeTrue();
        await ExecuteAsync(one, "INSERT INTO widgets (id) VALUES (2)");
        (await QueryStringsAsync(two, "SELECT id::text FROM widgets ORDER BY id")).ShouldBe(["1"]);
    }

    [Fact]
    public async Task TestDatabase_Dispose_DropsTheDatabase()
    {
        var database = await postgres.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken);
        var name = database.Name;
        await using (var connection = await database.DataSource.OpenConnectionAsync(TestContext.Current.CancellationToken))
        {
            // An open connection must not keep the database alive.
            await database.DisposeAsync();
        }

        await using var admin = new NpgsqlConnection(postgres.Server.GetConnectionString("postgres"));
        await admin.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = $1", admin);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        (await command.ExecuteScalarAsync(TestContext.Current.CancellationToken)).ShouldBe(0L);
    }

    private static async Task ExecuteAsync(TestDatabase database, string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<List<string>> QueryStringsAsync(TestDatabase database, string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var values = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
