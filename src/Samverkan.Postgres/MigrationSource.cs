using System.Reflection;

namespace Samverkan.Postgres;

/// <summary>
/// The embedded SQL migrations of one module. The assembly embeds <c>Migrations/NNNN_name.sql</c> files
/// (csproj: <c>&lt;EmbeddedResource Include="Migrations\*.sql" /&gt;</c>); each is recorded as
/// <c>{Module}/{file name without .sql}</c>.
/// </summary>
/// <param name="Module">A short stable name such as <c>actors</c> or <c>coordination</c>. It is part of every recorded id: never rename it.</param>
/// <param name="Assembly">The assembly that embeds the migration files.</param>
public sealed record MigrationSource(string Module, Assembly Assembly);
