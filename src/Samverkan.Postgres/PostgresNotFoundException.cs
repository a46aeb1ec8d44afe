namespace Samverkan.Postgres;

/// <summary>No PostgreSQL server binaries were found for the private local server.</summary>
public sealed class PostgresNotFoundException : Exception
{
    internal const string DefaultMessage =
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found on PATH, through `pg_config --bindir` " +
        "or under /usr/lib/postgresql/<version>/bin. Either install them (Debian or Ubuntu: `sudo apt-get install -y postgresql`; " +
        "the Debian cluster service is not needed and may stay stopped; other systems: the PostgreSQL server package, " +
        "with its bin folder on PATH), or use an existing PostgreSQL server by configuring the connection string " +
        "`ConnectionStrings:Samverkan` (for example the environment variable " +
        "ConnectionStrings__Samverkan=\"Host=db.example;Database=samverkan;Username=samverkan;Password=...\").";

    public PostgresNotFoundException()
        : base(DefaultMessage)
    {
    }

    public PostgresNotFoundException(string message)
        : base(message)
    {
    }

    public PostgresNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
