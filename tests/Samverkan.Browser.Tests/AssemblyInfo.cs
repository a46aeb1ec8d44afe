using Samverkan.Testing;

[assembly: AssemblyFixture(typeof(PostgresServerFixture))]
[assembly: AssemblyFixture(typeof(Samverkan.Browser.Tests.BrowserFixture))]
