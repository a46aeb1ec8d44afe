using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Npgsql;
using Samverkan.Domain.Identity;
using Samverkan.Host.Api;

namespace Samverkan.Host.Security;

/// <summary>
/// The secret of the keyed hash that turns personal identity numbers into pseudonymous keys, the same on every node of
/// a deployment: <c>Samverkan:Identity:PseudonymSecret</c> when configured (required in Production). In Development
/// without one it is kept in the database (table <c>pseudonym_secret</c>): at start-up the node stores a fresh secret
/// unless one is there and reads back the stored one, so every node of that database derives the same keys. In other
/// environments without one, each process makes up its own (keys then change at every restart).
/// </summary>
public sealed partial class PseudonymSecret : IHostedLifecycleService
{
    private const string StoreSql = "insert into pseudonym_secret (secret) values ($1) on conflict do nothing";

    // A statement of its own: it sees the row a node starting at the same time committed (waited for by the insert).
    private const string ReadSql = "select secret from pseudonym_secret";

    private readonly NpgsqlDataSource _database;
    private readonly ILogger<PseudonymSecret> _logger;
    private readonly bool _fromDatabase;
    private byte[]? _secret;

    public PseudonymSecret(IOptions<IdentityOptions> options, IHostEnvironment environment, NpgsqlDataSource database, ILogger<PseudonymSecret> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        _database = database;
        _logger = logger;
        if (options.Value.PseudonymSecret is { Length: > 0 } configured)
        {
            _secret = Checked(Convert.FromBase64String(configured));
        }
        else if (environment.IsDevelopment())
        {
            _fromDatabase = true;
        }
        else
        {
            // Validation refuses this in Production.
            _secret = RandomNumberGenerator.GetBytes(PseudonymousKey.MinimumSecretLength);
            Log.EphemeralSecret(logger);
        }
    }

    /// <summary>The secret's bytes; known once the host has started.</summary>
    public byte[] Value => _secret ?? throw new InvalidOperationException("The pseudonym secret is read from the database when the host starts.");

    /// <summary>Runs after the migrations (<see cref="Database.DatabaseStartupService"/> is registered first) and before any request.</summary>
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (!_fromDatabase)
        {
            return;
        }

        await using var batch = _database.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(StoreSql)
        {
            Parameters = { new NpgsqlParameter { Value = RandomNumberGenerator.GetBytes(PseudonymousKey.MinimumSecretLength) } },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(ReadSql));
        _secret = Checked((byte[])(await batch.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
        Log.SecretFromDatabase(_logger);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static byte[] Checked(byte[] secret) => secret.Length >= PseudonymousKey.MinimumSecretLength
        ? secret
        : throw new InvalidOperationException($"Samverkan:Identity:PseudonymSecret must be at least {PseudonymousKey.MinimumSecretLength} bytes.");

    private static partial class Log
    {
        [LoggerMessage(4000, LogLevel.Warning, "No Samverkan:Identity:PseudonymSecret is configured: this process made up its own, so children's keys change at restart")]
        public static partial void EphemeralSecret(ILogger logger);

        [LoggerMessage(4001, LogLevel.Information, "No Samverkan:Identity:PseudonymSecret is configured: using the Development secret kept in the database, shared by its nodes")]
        public static partial void SecretFromDatabase(ILogger logger);
    }
}
