using Samverkan.Actors;
using Samverkan.Coordination.Projections;
using Samverkan.Coordination.Reference;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Rules;

namespace Samverkan.Coordination.Organisation;

/// <summary>A school unit: its student-health team, its two social-services contact persons, its rule overrides.</summary>
public sealed class SchoolActor : Actor<SchoolActorState>
{
    public SchoolActor(ReferenceData reference)
        : base(CoordinationActors.School)
    {
        OnAsk<UpsertSchool, CommandResult>((m, c) =>
        {
            if (m.School.Id.Value != c.Self.Key)
            {
                return CommandResult.Refused("WrongSchool", "The school id does not match.");
            }

            if (m.School.SocialServices is { ContactPersons.Length: > SocialServicesLink.MaxContactPersons })
            {
                return CommandResult.Refused("TooManyContactPersons", $"A school has at most {SocialServicesLink.MaxContactPersons} contact persons at social services.");
            }

            // The roster does not carry the principal's overrides: keep them.
            var next = m.School with { RuleOverrides = c.State.School?.RuleOverrides ?? m.School.RuleOverrides };
            return next == c.State.School ? CommandResult.Done : Save(c, next);
        });
        OnAsk<ChangeSchoolRules, CommandResult>((m, c) =>
        {
            if (c.State.School is not { } school)
            {
                return CommandResult.Refused("SchoolNotFound", "Register the school before its rules.");
            }

            var municipality = reference.Rules(school.Municipality);
            var result = RuleSetDecisions.ChangeSchoolOverrides(school.RuleOverrides, school.Id, municipality, m.Overrides, m.ChangedBy, m.Reason, c.Now);
            if (!result.Errors.IsEmpty)
            {
                return CommandResult.Refused("InvalidRules", "The overrides are not valid.", result.Errors);
            }

            if (result.Change is null)
            {
                return CommandResult.Done;
            }

            c.Project(new RuleChangeRow(school.Municipality, school.Id, result.Current.Version, result.Current.Overrides));
            return Save(c, school with { RuleOverrides = result.Current });
        });
        OnAsk<GetSchool, School?>((_, c) => c.State.School);
    }

    protected override SchoolActorState CreateInitialState(string key) => new(null);

    private static CommandResult Save(IActorContext<SchoolActorState> context, School school)
    {
        context.State = new SchoolActorState(school);
        context.Project(new SchoolRow(school));
        context.Publish(CoordinationTopics.Reference + "school/" + school.Id.Value, new ReferenceChanged(school.Id.Value));
        return CommandResult.Done with { Id = school.Id.Value };
    }
}

public sealed record SchoolActorState(School? School);
