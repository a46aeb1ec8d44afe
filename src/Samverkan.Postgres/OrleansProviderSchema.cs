using Microsoft.Extensions.DependencyInjection;

namespace Samverkan.Postgres;

/// <summary>
/// The tables, functions and named queries (<c>OrleansQuery</c>) of Orleans' ADO.NET clustering, grain-persistence and
/// reminder providers on PostgreSQL (invariant <see cref="Invariant"/>), as our own migration
/// (<c>Migrations/0001_orleans_providers.sql</c>, module <see cref="Module"/>): the packages ship no PostgreSQL schema, and
/// the providers read every statement they issue from that table, so the schema is ours to keep, with its keys and indexes.
/// See docs/operations.md for what each table holds.
/// </summary>
public static class OrleansProviderSchema
{
    /// <summary>The migration module; part of every recorded id, never renamed.</summary>
    public const string Module = "orleans";

    /// <summary>The ADO.NET invariant name the providers are configured with.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>The query keys the three providers read (a test checks that every one is defined).</summary>
    public static readonly IReadOnlyList<string> QueryKeys =
    [
        "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey", "MembershipReadRowKey",
        "MembershipReadAllKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey", "CleanupDefunctSiloEntriesKey",
        "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
        "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    /// <summary>The provider schema as a migration source.</summary>
    public static MigrationSource Source { get; } = new(Module, typeof(OrleansProviderSchema).Assembly);

    /// <summary>Registers the provider schema with the migrations the host applies at start-up.</summary>
    public static IServiceCollection AddOrleansProviderSchema(this IServiceCollection services) => services.AddMigrationSource(Source);
}
