using Samverkan.Abstractions;
using Samverkan.Abstractions.Organisation;
using Samverkan.Actors;
using Samverkan.Actors.Projections;
using Samverkan.Coordination.Projections;
using Samverkan.Coordination.Reference;
using Samverkan.Domain.Common;
using Samverkan.Domain.Rules;

namespace Samverkan.Coordination.Grains;

/// <summary>A municipality's state: its name, region, rule set, calendar and coordinators.</summary>
[GenerateSerializer, Alias("municipality-grain-state.v1")]
public sealed record MunicipalityGrainState : IVersionedGrainState
{
    [Id(0)]
    public MunicipalityState? Current { get; init; }

    [Id(1)]
    public long Version { get; init; }
}

/// <summary>A municipality (the tenant): its name and region, its versioned rule set, its school calendar, its coordinators.</summary>
public sealed class MunicipalityGrain(
    [PersistentState("municipality", GrainStorage.Default)] IPersistentState<MunicipalityGrainState> state,
    ServiceClock clock,
    IReadModels readModels,
    IActorSignals signals)
    : ProjectingGrain<MunicipalityGrainState>(state, readModels, signals), IMunicipalityGrain
{
    private string Code => this.GetPrimaryKeyString();

    public async Task<CommandResult> UpsertAsync(UpsertMunicipality command)
    {
        ArgumentNullException.ThrowIfNull(command);
        await EnsureProjectedAsync();
        if (command.Municipality.Code.Value != Code)
        {
            return CommandResult.Refused("WrongMunicipality", "The municipality code does not match.");
        }

        var current = State.Current;
        var next = current is null
            ? new MunicipalityState { Municipality = command.Municipality, Rules = RuleSets.Defaults(command.Municipality.Code, clock.GetUtcNow()), CoordinatorTeam = command.CoordinatorTeam }
            : current with { Municipality = command.Municipality, CoordinatorTeam = command.CoordinatorTeam };
        return Unchanged(current, next) ? CommandResult.Done : await SaveAsync(next);
    }

    public async Task<CommandResult> ChangeRulesAsync(ChangeMunicipalityRules command)
    {
        ArgumentNullException.ThrowIfNull(command);
        await EnsureProjectedAsync();
        if (State.Current is not { } current)
        {
            return CommandResult.Refused("MunicipalityNotFound", "Register the municipality before its rules.");
        }

        var result = RuleSetDecisions.ChangeMunicipalityRules(current.Rules, command.Rules, command.ChangedBy, command.Reason, clock.GetUtcNow());
        if (!result.Errors.IsEmpty)
        {
            return CommandResult.Refused("InvalidRules", "The rules are not valid.", result.Errors);
        }

        return result.Change is null ? CommandResult.Done : await SaveAsync(current with { Rules = result.Current });
    }

    public async Task<CommandResult> SetCalendarAsync(SetSchoolCalendar command)
    {
        ArgumentNullException.ThrowIfNull(command);
        await EnsureProjectedAsync();
        if (State.Current is not { } current)
        {
            return CommandResult.Refused("MunicipalityNotFound", "Register the municipality before its calendar.");
        }

        var errors = command.Calendar.Validate();
        if (!errors.IsEmpty)
        {
            return CommandResult.Refused("InvalidCalendar", "The calendar is not valid.", errors);
        }

        return await SaveAsync(current with { Calendar = command.Calendar with { Municipality = current.Municipality.Code } });
    }

    public Task<MunicipalityState?> GetAsync() => Task.FromResult(State.Current);

    /// <summary>The municipality's row and its rule set's version in the rule history (written once per version).</summary>
    protected override IReadOnlyList<object> RowsOf(MunicipalityGrainState current) =>
        current.Current is { } municipality
            ? [new MunicipalityRow(municipality, current.Version), new RuleChangeRow(municipality.Municipality.Code, null, municipality.Rules.Version, municipality.Rules.Rules)]
            : [];

    protected override (string Topic, object Payload) SignalOf(MunicipalityGrainState current) =>
        (CoordinationTopics.Reference + "municipality/" + Code, new ReferenceChanged(Code));

    private CommandResult Done => CommandResult.Done with { Id = Code };

    private Task<CommandResult> SaveAsync(MunicipalityState next) =>
        CommitAsync(State with { Current = next, Version = State.Version + 1 }, Done);
}
