namespace Samverkan.Postgres;

/// <summary>How to run the private PostgreSQL server (configuration section <c>Samverkan:LocalPostgres</c> in the host).</summary>
public sealed class LocalPostgresOptions
{
    /// <summary>
    /// The folder that holds the server's data (<c>pgdata/</c>), its socket folder, log, port and password files.
    /// Null: <c>$XDG_DATA_HOME/samverkan/postgres</c> (or <c>~/.local/share/samverkan/postgres</c>) for a normal user,
    /// <c>/var/lib/samverkan/postgres</c> for root, and a fresh folder under /tmp when <see cref="Ephemeral"/>.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>The TCP port on 127.0.0.1. 0: the port used last time for this data folder if free, else any free port.</summary>
    public int Port { get; set; }

    /// <summary>The database <see cref="LocalPostgresServer.ConnectionString"/> points at; created if missing.</summary>
    public string Database { get; set; } = "samverkan";

    /// <summary>Delete the data folder when the server is disposed (tests).</summary>
    public bool Ephemeral { get; set; }

    /// <summary>False turns off fsync, synchronous_commit and full_page_writes: fast, and unsafe on a crash (tests only).</summary>
    public bool Durable { get; set; } = true;

    /// <summary>PostgreSQL's max_connections.</summary>
    public int MaxConnections { get; set; } = 200;
}
