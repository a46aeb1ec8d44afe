using Samverkan.Actors;
using Samverkan.Coordination.Projections;
using Samverkan.Coordination.Reference;
using Samverkan.Domain.Rules;

namespace Samverkan.Coordination.Organisation;

/// <summary>A municipality (the tenant): its name and region, its versioned rule set, its school calendar, its coordinators.</summary>
public sealed class MunicipalityActor : Actor<MunicipalityActorState>
{
    public MunicipalityActor()
        : base(CoordinationActors.Municipality)
    {
        OnAsk<UpsertMunicipality, CommandResult>((m, c) =>
        {
            if (m.Municipality.Code.Value != c.Self.Key)
            {
                return CommandResult.Refused("WrongMunicipality", "The municipality code does not match.");
            }

            var current = c.State.Current;
            var next = current is null
                ? new MunicipalityState { Municipality = m.Municipality, Rules = RuleSets.Defaults(m.Municipality.Code, c.Now), CoordinatorTeam = m.CoordinatorTeam }
                : current with { Municipality = m.Municipality, CoordinatorTeam = m.CoordinatorTeam };
            if (next == current)
            {
                return CommandResult.Done;
            }

            if (current is null)
            {
                c.Project(new RuleChangeRow(next.Municipality.Code, null, next.Rules.Version, next.Rules.Rules));
            }

            return Save(c, next);
        });
        OnAsk<ChangeMunicipalityRules, CommandResult>((m, c) =>
        {
            if (c.State.Current is not { } current)
            {
                return CommandResult.Refused("MunicipalityNotFound", "Register the municipality before its rules.");
            }

            var result = RuleSetDecisions.ChangeMunicipalityRules(current.Rules, m.Rules, m.ChangedBy, m.Reason, c.Now);
            if (!result.Errors.IsEmpty)
            {
                return CommandResult.Refused("InvalidRules", "The rules are not valid.", result.Errors);
            }

            if (result.Change is null)
            {
                return CommandResult.Done;
            }

            c.Project(new RuleChangeRow(current.Municipality.Code, null, result.Current.Version, result.Current.Rules));
            return Save(c, current with { Rules = result.Current });
        });
        OnAsk<SetSchoolCalendar, CommandResult>((m, c) =>
        {
            if (c.State.Current is not { } current)
            {
                return CommandResult.Refused("MunicipalityNotFound", "Register the municipality before its calendar.");
            }

            var errors = m.Calendar.Validate();
            if (!errors.IsEmpty)
            {
                return CommandResult.Refused("InvalidCalendar", "The calendar is not valid.", errors);
            }

            return Save(c, current with { Calendar = m.Calendar with { Municipality = current.Municipality.Code } });
        });
        OnAsk<GetMunicipality, MunicipalityState?>((_, c) => c.State.Current);
    }

    protected override MunicipalityActorState CreateInitialState(string key) => new(null);

    private static CommandResult Save(IActorContext<MunicipalityActorState> context, MunicipalityState next)
    {
        context.State = new MunicipalityActorState(next);
        context.Project(new MunicipalityRow(next));
        context.Publish(CoordinationTopics.Reference + "municipality/" + next.Municipality.Code.Value, new ReferenceChanged(next.Municipality.Code.Value));
        return CommandResult.Done with { Id = next.Municipality.Code.Value };
    }
}

public sealed record MunicipalityActorState(MunicipalityState? Current);

/// <summary>The payload of a <c>reference/…</c> signal.</summary>
public sealed record ReferenceChanged(string Id);
