using System.Globalization;
using Samverkan.Benchmarks;
using Samverkan.Postgres;

// Usage: scripts/bench.sh [--quick] [--no-fsync] [ingest] [alerts]
// Starts a private, durable PostgreSQL (fsync on) from the machine's binaries, measures pgbench -N on it as the
// baseline, runs the scenarios, and prints one table.
var quick = args.Contains("--quick");
var scenarios = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
bool Wanted(string name) => scenarios.Count == 0 || scenarios.Contains(name);

Console.WriteLine($"Samverkan benchmarks — {Environment.ProcessorCount} cores, {DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture)}{(quick ? " (quick)" : "")}");
await using var server = await LocalPostgresServer.StartAsync(new LocalPostgresOptions
{
    Ephemeral = true,
    Durable = !args.Contains("--no-fsync"),
    Database = "postgres",
    MaxConnections = 300,
});
Console.WriteLine($"PostgreSQL on port {server.Port} (durable: fsync on, synchronous_commit on)");

var report = new Report();
var pgbenchTps = await PgBench.RunAsync(server, clients: 8, TimeSpan.FromSeconds(quick ? 5 : 10));
report.Add("baseline", "pgbench -N, 8 clients", pgbenchTps, "tps");

if (Wanted("ingest"))
{
    await IngestBenchmarks.RunAsync(server, report, quick);
}

if (Wanted("alerts"))
{
    await AlertBenchmarks.RunAsync(server, report, quick);
}

Console.WriteLine();
Console.WriteLine(report.Render());
