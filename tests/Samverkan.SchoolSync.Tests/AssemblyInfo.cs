using Samverkan.Testing;

[assembly: AssemblyFixture(typeof(PostgresServerFixture))]
