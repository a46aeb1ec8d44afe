using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Samverkan.SchoolSync;

/// <summary>A client certificate with its private key as PKCS #12 bytes (no password: the bytes are protected at rest), and what operators see of it.</summary>
public sealed record SourceCertificate(byte[] Pkcs12, string Thumbprint, string Subject, DateTimeOffset NotAfter);

/// <summary>
/// What an operator sets for an API-registered source. A <c>null</c> <see cref="ClientSecret"/> keeps the stored secret;
/// <see cref="UseCertificate"/> with a <c>null</c> <see cref="Certificate"/> keeps the stored certificate.
/// </summary>
public sealed record SourceSettings(
    string Name,
    string Municipality,
    string Organisation,
    Uri BaseUrl,
    Uri? TokenUrl,
    string? ClientId,
    string? Scope,
    string? ClientSecret,
    bool UseCertificate,
    SourceCertificate? Certificate,
    IReadOnlyList<string> SchoolUnits,
    TimeSpan PollInterval);

/// <summary>A source as operators see it: never a secret, only whether one is stored.</summary>
public sealed record SourceRecord(
    string Name,
    string Municipality,
    string Organisation,
    Uri BaseUrl,
    Uri? TokenUrl,
    string? ClientId,
    string? Scope,
    bool HasClientSecret,
    bool HasCertificate,
    string? CertificateThumbprint,
    string? CertificateSubject,
    DateTimeOffset? CertificateNotAfter,
    IReadOnlyList<string> SchoolUnits,
    TimeSpan PollInterval,
    string Origin,
    int Version,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt);

/// <summary>A source's last runs (<c>school_sync_state</c>), without personal data.</summary>
public sealed record SourceState(
    DateTimeOffset? LastStarted,
    DateTimeOffset? LastFinished,
    DateTimeOffset? LastSuccess,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    DateTimeOffset? BackoffUntil,
    IReadOnlyDictionary<string, int> Items);

public enum SourceChange
{
    Done,
    NotFound,
    VersionConflict,
    NameTaken,
    ReadOnly,
    MissingSecret,
}

/// <summary>
/// Every SS 12000 source of the deployment: those in configuration (<c>Samverkan:SchoolSync:Sources</c>, read-only) and
/// those registered through the API (<c>school_sync_sources</c>, secrets protected with Data Protection). The runner
/// reads a source here at the start of every run, so a change through the API applies from the next run on, without restart.
/// </summary>
public sealed class SchoolSyncSources(IOptionsMonitor<SchoolSyncOptions> options, NpgsqlDataSource database, IDataProtectionProvider protection)
{
    public const string SecretPurpose = "Samverkan.SchoolSync.ClientSecret.v1";
    public const string CertificatePurpose = "Samverkan.SchoolSync.ClientCertificate.v1";

    private const string Columns = """
        source, municipality, organisation, base_url, token_url, client_id, scope, client_secret is not null, client_certificate is not null,
        certificate_thumbprint, certificate_subject, certificate_not_after, school_units, poll_interval_seconds, version, created_at, updated_at
        """;

    private readonly IDataProtector _secrets = protection.CreateProtector(SecretPurpose);
    private readonly IDataProtector _certificates = protection.CreateProtector(CertificatePurpose);

    public IEnumerable<SchoolSyncSource> Configured => options.CurrentValue.Sources;

    /// <summary>The source with its secrets, for a run; null when it is neither configured nor registered.</summary>
    public async Task<SchoolSyncSource?> FindAsync(string name, CancellationToken cancellationToken)
    {
        if (Configured.FirstOrDefault(s => s.Name == name) is { } configured)
        {
            return configured;
        }

        await using var command = database.CreateCommand("""
            select municipality, organisation, base_url, token_url, client_id, scope, client_secret, client_certificate, school_units,
                   poll_interval_seconds, version
              from school_sync_sources where source = $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new SchoolSyncSource
        {
            Name = name,
            Municipality = reader.GetString(0),
            Organisation = reader.GetString(1),
            BaseUrl = new Uri(reader.GetString(2)),
            TokenUrl = reader.IsDBNull(3) ? null : new Uri(reader.GetString(3)),
            ClientId = reader.IsDBNull(4) ? "" : reader.GetString(4),
            Scope = reader.IsDBNull(5) ? null : reader.GetString(5),
            ClientSecret = reader.IsDBNull(6) ? "" : _secrets.Unprotect(reader.GetString(6)),
            ClientCertificateData = reader.IsDBNull(7) ? null : _certificates.Unprotect(Convert.FromBase64String(reader.GetString(7))),
            SchoolUnits = [.. reader.GetFieldValue<string[]>(8)],
            PollInterval = TimeSpan.FromSeconds(reader.GetInt32(9)),
            Origin = SchoolSyncSource.ApiOrigin,
            Revision = reader.GetInt32(10),
        };
    }

    /// <summary>The names of every source (configured first), for the scheduler.</summary>
    public async Task<List<(string Name, int Revision)>> NamesAsync(CancellationToken cancellationToken)
    {
        var names = Configured.Select(s => (s.Name, 0)).ToList();
        await using var command = database.CreateCommand("select source, version from school_sync_sources order by source");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!names.Any(n => n.Name == reader.GetString(0)))
            {
                names.Add((reader.GetString(0), reader.GetInt32(1)));
            }
        }

        return names;
    }

    /// <summary>The municipality's sources as operators see them: configured ones (read-only) first, then the registered ones by name.</summary>
    public async Task<List<SourceRecord>> ListAsync(string municipality, string? name, CancellationToken cancellationToken)
    {
        var records = Configured.Where(s => s.Municipality == municipality && (name is null || s.Name == name)).Select(FromConfiguration).ToList();
        await using var command = database.CreateCommand(
            $"select {Columns} from school_sync_sources where municipality = $1 and ($2::text is null or source = $2) order by source");
        command.Parameters.Add(new NpgsqlParameter { Value = municipality });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)name ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!records.Any(r => r.Name == reader.GetString(0)))
            {
                records.Add(Read(reader));
            }
        }

        return records;
    }

    /// <summary>Registers a new source (its name is not used by any source, configured or registered, of any municipality).</summary>
    public async Task<(SourceChange Outcome, int Version)> CreateAsync(SourceSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (Configured.Any(s => s.Name == settings.Name))
        {
            return (SourceChange.NameTaken, 0);
        }

        if ((settings.TokenUrl is not null && settings.ClientSecret is null) || (settings.UseCertificate && settings.Certificate is null))
        {
            return (SourceChange.MissingSecret, 0);
        }

        await using var command = database.CreateCommand("""
            insert into school_sync_sources (source, municipality, organisation, base_url, token_url, client_id, scope, client_secret,
                client_certificate, certificate_thumbprint, certificate_subject, certificate_not_after, school_units, poll_interval_seconds,
                version, created_at, updated_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $15)
            on conflict (source) do nothing
            """);
        AddSettings(command, settings, settings.ClientSecret is null ? null : _secrets.Protect(settings.ClientSecret), ProtectCertificate(settings.Certificate), settings.Certificate);
        command.Parameters.Add(new NpgsqlParameter { Value = DateTimeOffset.UtcNow, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0 ? (SourceChange.NameTaken, 0) : (SourceChange.Done, 1);
    }

    /// <summary>
    /// Replaces a registered source's settings, if it is the municipality's and (when given) still at <paramref name="expectedVersion"/>.
    /// A secret left out stays as stored.
    /// </summary>
    public async Task<(SourceChange Outcome, int Version)> UpdateAsync(SourceSettings settings, int? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (Configured.Any(s => s.Name == settings.Name))
        {
            return (Configured.Any(s => s.Name == settings.Name && s.Municipality == settings.Municipality) ? SourceChange.ReadOnly : SourceChange.NotFound, 0);
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        int version;
        bool hadSecret, hadCertificate;
        await using (var select = new NpgsqlCommand(
            "select version, client_secret is not null, client_certificate is not null from school_sync_sources where source = $1 and municipality = $2 for update",
            connection, transaction))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = settings.Name });
            select.Parameters.Add(new NpgsqlParameter { Value = settings.Municipality });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return (SourceChange.NotFound, 0);
            }

            (version, hadSecret, hadCertificate) = (reader.GetInt32(0), reader.GetBoolean(1), reader.GetBoolean(2));
        }

        if (expectedVersion is { } expected && expected != version)
        {
            return (SourceChange.VersionConflict, version);
        }

        if ((settings.TokenUrl is not null && settings.ClientSecret is null && !hadSecret) || (settings.UseCertificate && settings.Certificate is null && !hadCertificate))
        {
            return (SourceChange.MissingSecret, version);
        }

        await using (var update = new NpgsqlCommand("""
            update school_sync_sources set organisation = $3, base_url = $4, token_url = $5, client_id = $6, scope = $7,
                client_secret = case when $5::text is null then null else coalesce($8, client_secret) end,
                client_certificate = case when not $16 then null else coalesce($9, client_certificate) end,
                certificate_thumbprint = case when not $16 then null when $9::text is null then certificate_thumbprint else $10 end,
                certificate_subject = case when not $16 then null when $9::text is null then certificate_subject else $11 end,
                certificate_not_after = case when not $16 then null when $9::text is null then certificate_not_after else $12 end,
                school_units = $13, poll_interval_seconds = $14, version = version + 1, updated_at = $15
             where source = $1 and municipality = $2
            """, connection, transaction))
        {
            AddSettings(update, settings, settings.ClientSecret is null ? null : _secrets.Protect(settings.ClientSecret), ProtectCertificate(settings.Certificate), settings.Certificate);
            update.Parameters.Add(new NpgsqlParameter { Value = DateTimeOffset.UtcNow, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            update.Parameters.Add(new NpgsqlParameter { Value = settings.UseCertificate });
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (SourceChange.Done, version + 1);
    }

    /// <summary>Removes a registered source of the municipality (and its state row; its watermarks and id mappings stay, free of personal data).</summary>
    public async Task<SourceChange> DeleteAsync(string municipality, string name, int? expectedVersion, CancellationToken cancellationToken)
    {
        if (Configured.Any(s => s.Name == name))
        {
            return Configured.Any(s => s.Name == name && s.Municipality == municipality) ? SourceChange.ReadOnly : SourceChange.NotFound;
        }

        await using var command = database.CreateCommand("""
            with gone as (
                delete from school_sync_sources where source = $1 and municipality = $2 and ($3::int is null or version = $3) returning source),
            state as (delete from school_sync_state where source in (select source from gone))
            select (select count(*) from gone), (select count(*) from school_sync_sources where source = $1 and municipality = $2)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = municipality });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)expectedVersion ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return reader.GetInt64(0) > 0 ? SourceChange.Done : reader.GetInt64(1) > 0 ? SourceChange.VersionConflict : SourceChange.NotFound;
    }

    /// <summary>The sources' last runs, by name.</summary>
    public async Task<Dictionary<string, SourceState>> StatesAsync(IEnumerable<string> names, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            select source, last_started, last_finished, last_success, last_error, last_error_at, backoff_until, items::text
              from school_sync_state where source = any($1)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = names.ToArray() });
        var states = new Dictionary<string, SourceState>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            states[reader.GetString(0)] = new SourceState(
                Time(reader, 1), Time(reader, 2), Time(reader, 3), reader.IsDBNull(4) ? null : reader.GetString(4), Time(reader, 5), Time(reader, 6),
                System.Text.Json.JsonSerializer.Deserialize<SortedDictionary<string, int>>(reader.GetString(7)) ?? []);
        }

        return states;
    }

    /// <summary>Reads a PKCS #12 (with its password) or PEM certificate and private key; null if it does not load or has no private key.</summary>
    public static SourceCertificate? ReadCertificate(byte[]? pkcs12, string? certificatePem, string? privateKeyPem, string? password)
    {
        try
        {
            using var certificate = pkcs12 is not null
                ? System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(pkcs12, password)
                : string.IsNullOrEmpty(password)
                    ? System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(certificatePem, privateKeyPem)
                    : System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromEncryptedPem(certificatePem, privateKeyPem, password);
            if (!certificate.HasPrivateKey)
            {
                return null;
            }

            return new SourceCertificate(
                certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12),
                certificate.Thumbprint, certificate.Subject, new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero));
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            return null;
        }
    }

    private string? ProtectCertificate(SourceCertificate? certificate) =>
        certificate is null ? null : Convert.ToBase64String(_certificates.Protect(certificate.Pkcs12));

    private static void AddSettings(NpgsqlCommand command, SourceSettings s, string? secret, string? certificate, SourceCertificate? info)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = s.Name });
        command.Parameters.Add(new NpgsqlParameter { Value = s.Municipality });
        command.Parameters.Add(new NpgsqlParameter { Value = s.Organisation });
        command.Parameters.Add(new NpgsqlParameter { Value = s.BaseUrl.ToString() });
        command.Parameters.Add(Text(s.TokenUrl?.ToString()));
        command.Parameters.Add(Text(s.TokenUrl is null ? null : s.ClientId));
        command.Parameters.Add(Text(s.TokenUrl is null ? null : s.Scope));
        command.Parameters.Add(Text(s.TokenUrl is null ? null : secret));
        command.Parameters.Add(Text(s.UseCertificate ? certificate : null));
        command.Parameters.Add(Text(s.UseCertificate ? info?.Thumbprint : null));
        command.Parameters.Add(Text(s.UseCertificate ? info?.Subject : null));
        command.Parameters.Add(new NpgsqlParameter { Value = s.UseCertificate && info is not null ? info.NotAfter : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = s.SchoolUnits.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = (int)s.PollInterval.TotalSeconds });
    }

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static DateTimeOffset? Time(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    private static SourceRecord Read(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), new Uri(r.GetString(3)),
        r.IsDBNull(4) ? null : new Uri(r.GetString(4)), r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6),
        r.GetBoolean(7), r.GetBoolean(8), r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10), Time(r, 11),
        r.GetFieldValue<string[]>(12), TimeSpan.FromSeconds(r.GetInt32(13)), SchoolSyncSource.ApiOrigin, r.GetInt32(14), Time(r, 15), Time(r, 16));

    private static SourceRecord FromConfiguration(SchoolSyncSource s)
    {
        string? thumbprint = null, subject = null;
        DateTimeOffset? notAfter = null;
        try
        {
            using var certificate = s.LoadClientCertificate();
            (thumbprint, subject, notAfter) = (certificate?.Thumbprint, certificate?.Subject, certificate is null ? null : new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero));
        }
        catch (CryptographicException)
        {
            // Shown without its details; the run reports the fault.
        }

        return new SourceRecord(
            s.Name, s.Municipality, s.Organisation, s.BaseUrl!, s.TokenUrl, s.TokenUrl is null ? null : s.ClientId, s.Scope, s.ClientSecret.Length > 0,
            s.HasClientCertificate, thumbprint, subject, notAfter, s.SchoolUnits, s.PollInterval, SchoolSyncSource.ConfigurationOrigin, 0, null, null);
    }
}
