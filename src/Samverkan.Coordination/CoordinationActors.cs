using Samverkan.Actors;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;

namespace Samverkan.Coordination;

/// <summary>The coordination actor types and how to address them. Type names are persisted contracts.</summary>
public static class CoordinationActors
{
    public const string Child = "child";
    public const string Case = "case";
    public const string School = "school";
    public const string Municipality = "municipality";
    public const string Team = "team";
    public const string Staff = "staff";
    public const string Inbox = "inbox";

    public static ActorId ChildOf(PseudonymousKey key) => new(Child, key.Value);

    public static ActorId CaseOf(CaseId id) => new(Case, id.Value);

    public static ActorId SchoolOf(SchoolId id) => new(School, id.Value);

    public static ActorId MunicipalityOf(MunicipalityCode code) => new(Municipality, code.Value);

    public static ActorId TeamOf(TeamId id) => new(Team, id.Value);

    public static ActorId StaffOf(StaffId id) => new(Staff, id.Value);

    public static ActorId InboxOf(StaffId id) => new(Inbox, id.Value);
}

/// <summary>Signal topics published after commits (see <see cref="IActorSignals"/>).</summary>
public static class CoordinationTopics
{
    /// <summary><c>reference/{kind}/{id}</c>: a school, municipality or team changed; caches reload it.</summary>
    public const string Reference = "reference/";

    /// <summary><c>cases/{municipality}</c>: a case opened or changed.</summary>
    public const string Cases = "cases/";

    /// <summary><c>alerts/{staff id}</c>: an alert was delivered to or acknowledged in a person's inbox.</summary>
    public const string Alerts = "alerts/";
}
