using Samverkan.Abstractions;
using Samverkan.Actors.Grains;

namespace Samverkan.Coordination.Grains;

// The coordination actors as Orleans grains: the grain type is the actor type name, so an actor id
// (CoordinationActors.ChildOf …) names its grain. Their handlers are the actors' (Children/, Cases/, Organisation/,
// Alerts/); ActorGrain stores and carries out what they decide. The state name is the actor type too: Orleans' ADO.NET
// storage keys a row by state name and grain key only, so grains of two types with one key (a staff member and their
// inbox) need different state names.

[GrainType(CoordinationActors.Child)]
public sealed class ChildGrain([PersistentState(CoordinationActors.Child, GrainStorage.Default)] IPersistentState<ActorGrainState> state, ActorGrainServices services)
    : ActorGrain(state, services);

[GrainType(CoordinationActors.Case)]
public sealed class CaseGrain([PersistentState(CoordinationActors.Case, GrainStorage.Default)] IPersistentState<ActorGrainState> state, ActorGrainServices services)
    : ActorGrain(state, services);

[GrainType(CoordinationActors.Team)]
public sealed class TeamGrain([PersistentState(CoordinationActors.Team, GrainStorage.Default)] IPersistentState<ActorGrainState> state, ActorGrainServices services)
    : ActorGrain(state, services);

[GrainType(CoordinationActors.Staff)]
public sealed class StaffGrain([PersistentState(CoordinationActors.Staff, GrainStorage.Default)] IPersistentState<ActorGrainState> state, ActorGrainServices services)
    : ActorGrain(state, services);

[GrainType(CoordinationActors.Inbox)]
public sealed class InboxGrain([PersistentState(CoordinationActors.Inbox, GrainStorage.Default)] IPersistentState<ActorGrainState> state, ActorGrainServices services)
    : ActorGrain(state, services);
