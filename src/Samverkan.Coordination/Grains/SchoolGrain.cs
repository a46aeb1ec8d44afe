using Samverkan.Abstractions;
using Samverkan.Abstractions.Organisation;
using Samverkan.Actors;
using Samverkan.Actors.Projections;
using Samverkan.Coordination.Projections;
using Samverkan.Coordination.Reference;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Rules;

namespace Samverkan.Coordination.Grains;

/// <summary>A school unit's state: the school as the roster and its principal set it.</summary>
[GenerateSerializer, Alias("school-state.v1")]
public sealed record SchoolGrainState : IVersionedGrainState
{
    [Id(0)]
    public School? School { get; init; }

    [Id(1)]
    public long Version { get; init; }

    /// <summary>The version of the overrides a person set (the rule history records those; a roster's overrides are not history).</summary>
    [Id(2)]
    public int? RecordedRulesVersion { get; init; }
}

/// <summary>A school unit: its student-health team, its two social-services contact persons, its rule overrides.</summary>
public sealed class SchoolGrain(
    [PersistentState("school", GrainStorage.Default)] IPersistentState<SchoolGrainState> state,
    ReferenceData reference,
    ServiceClock clock,
    IReadModels readModels,
    IActorSignals signals)
    : ProjectingGrain<SchoolGrainState>(state, readModels, signals), ISchoolGrain
{
    private string Id => this.GetPrimaryKeyString();

    public async Task<CommandResult> UpsertAsync(UpsertSchool command)
    {
        ArgumentNullException.ThrowIfNull(command);
        await EnsureProjectedAsync();
        if (command.School.Id.Value != Id)
        {
            return CommandResult.Refused("WrongSchool", "The school id does not match.");
        }

        if (command.School.SocialServices is { ContactPersons.Length: > SocialServicesLink.MaxContactPersons })
        {
            return CommandResult.Refused("TooManyContactPersons", $"A school has at most {SocialServicesLink.MaxContactPersons} contact persons at social services.");
        }

        // The roster does not carry the principal's overrides: keep them.
        var next = command.School with { RuleOverrides = State.School?.RuleOverrides ?? command.School.RuleOverrides };
        return Unchanged(State.School, next)
            ? CommandResult.Done
            : await CommitAsync(State with { School = next, Version = State.Version + 1 }, CommandResult.Done with { Id = Id });
    }

    public async Task<CommandResult> ChangeRulesAsync(ChangeSchoolRules command)
    {
        ArgumentNullException.ThrowIfNull(command);
        await EnsureProjectedAsync();
        if (State.School is not { } school)
        {
            return CommandResult.Refused("SchoolNotFound", "Register the school before its rules.");
        }

        var municipality = reference.Rules(school.Municipality);
        var result = RuleSetDecisions.ChangeSchoolOverrides(
            school.RuleOverrides, school.Id, municipality, command.Overrides, command.ChangedBy, command.Reason, clock.GetUtcNow());
        if (!result.Errors.IsEmpty)
        {
            return CommandResult.Refused("InvalidRules", "The overrides are not valid.", result.Errors);
        }

        if (result.Change is null)
        {
            return CommandResult.Done;
        }

        var next = State with
        {
            School = school with { RuleOverrides = result.Current },
            Version = State.Version + 1,
            RecordedRulesVersion = result.Current.Version.Number,
        };
        return await CommitAsync(next, CommandResult.Done with { Id = Id });
    }

    public Task<School?> GetAsync() => Task.FromResult(State.School);

    protected override IReadOnlyList<object> RowsOf(SchoolGrainState current)
    {
        if (current.School is not { } school)
        {
            return [];
        }

        var rows = new List<object> { new SchoolRow(school, current.Version) };
        if (school.RuleOverrides is { } overrides && overrides.Version.Number == current.RecordedRulesVersion)
        {
            rows.Add(new RuleChangeRow(school.Municipality, school.Id, overrides.Version, overrides.Overrides));
        }

        return rows;
    }

    protected override (string Topic, object Payload) SignalOf(SchoolGrainState current) =>
        (CoordinationTopics.Reference + "school/" + Id, new ReferenceChanged(Id));
}
