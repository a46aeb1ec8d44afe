
namespace Samverkan.Grains.Tests;

/// <summary>The state the probe keeps through the ADO.NET grain storage.</summary>
[GenerateSerializer]
[Alias("samverkan.tests.probe-state.v1")]
public sealed class ProbeState
{
    [Id(0)]
    public int Total { get; set; }

    [Id(1)]
    public int RemindersFired { get; set; }
}

/// <summary>A grain that exercises each provider: state (write, read after deactivation, clear), and a reminder.</summary>
[Alias("samverkan.tests.probe")]
public interface IProbeGrain : IGrainWithStringKey
{
    [Alias("add")]
    Task<int> AddAsync(int amount);

    [Alias("read")]
    Task<ProbeState> ReadAsync();

    [Alias("silo")]
    Task<string> SiloAsync();

    [Alias("deactivate")]
    Task DeactivateAsync();

    [Alias("remind")]
    Task RemindAsync(TimeSpan dueIn);

    [Alias("clear")]
    Task ClearAsync();
}

public sealed class ProbeGrain([PersistentState("probe", ProviderSchemaTests.Storage)] IPersistentState<ProbeState> state, ILocalSiloDetails silo)
    : Grain, IProbeGrain, IRemindable
{
    public const string Reminder = "probe";

    public async Task<int> AddAsync(int amount)
    {
        state.State.Total += amount;
        await state.WriteStateAsync();
        return state.State.Total;
    }

    public Task<ProbeState> ReadAsync() => Task.FromResult(state.State);

    public Task<string> SiloAsync() => Task.FromResult(silo.SiloAddress.ToParsableString());

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public async Task RemindAsync(TimeSpan dueIn) => await this.RegisterOrUpdateReminder(Reminder, dueIn, TimeSpan.FromMinutes(1));

    public Task ClearAsync() => state.ClearStateAsync();

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        state.State.RemindersFired++;
        await state.WriteStateAsync();
        if (await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }
}
