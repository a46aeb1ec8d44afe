using Samverkan.Abstractions;
using Samverkan.Actors.Grains;

namespace Samverkan.Coordination.Grains;

// The coordination actors as Orleans grains: the grain type is the actor type name, so an actor id
// (CoordinationActors.ChildOf …) names its grain. Their handlers are the actors' (Children/, Cases/, Organisation/,
// Alerts/); ActorGrain stores and carries out what they decide.

[GrainType(CoordinationActors.Child)]
public sealed class ChildGrain([PersistentState("actor", GrainStorage.Default)] IPersistentState<ActorGrainState> state, ActorGrainServices services)
    : ActorGrain(state, services);

[GrainType(CoordinationActors.Case)]
public sealed class CaseGrain([PersistentState("actor", GrainStorage.Default)] IPersistentState<ActorGrainState> state, ActorGrainServices services)
    : ActorGrain(state, services);

[GrainType(CoordinationActors.Team)]
public sealed class TeamGrain([PersistentState("actor", GrainStorage.Default)] IPersistentState<ActorGrainState> state, ActorGrainServices services)
    : ActorGrain(state, services);

[GrainType(CoordinationActors.Staff)]
public sealed class StaffGrain([PersistentState("actor", GrainStorage.Default)] IPersistentState<ActorGrainState> state, ActorGrainServices services)
    : ActorGrain(state, services);

[GrainType(CoordinationActors.Inbox)]
public sealed class InboxGrain([PersistentState("actor", GrainStorage.Default)] IPersistentState<ActorGrainState> state, ActorGrainServices services)
    : ActorGrain(state, services);
