using Samverkan.Abstractions;
using Samverkan.Abstractions.Organisation;
using Samverkan.Actors;
using Samverkan.Coordination;
using Samverkan.Coordination.Children;
using Samverkan.Coordination.Organisation;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;
using Samverkan.Host.Security;

namespace Samverkan.Host.Api;

/// <summary>
/// The roster's writes for an in-process caller that is not an HTTP request (the SS 12000 connector, as a feed of its
/// school organiser): the same write-scope checks and actor commands as <c>PutStaff</c>, <c>PutTeam</c>, <c>PutSchool</c>
/// and <c>PutChild</c> (keyed children), answered as the roster batch's item results. Kept apart from the HTTP handlers;
/// a change to a handler's checks or command must be made here too.
/// </summary>
public static partial class RosterApi
{
    internal static async Task<CommandResult> WriteStaffInProcessAsync(Caller caller, Staff staff, WriteScope scope, IActorClient actors, CancellationToken cancellationToken) =>
        !await scope.MayWriteStaffAsync(caller, staff.Id, staff.Organisation, cancellationToken).ConfigureAwait(false)
            ? OtherMunicipalityResult
            : await CommandInProcessAsync(actors, CoordinationActors.StaffOf(staff.Id), new UpsertStaff(staff), cancellationToken).ConfigureAwait(false);

    internal static async Task<CommandResult> WriteTeamInProcessAsync(Caller caller, Team team, WriteScope scope, IActorClient actors, CancellationToken cancellationToken) =>
        !await scope.MayWriteTeamAsync(caller, team, cancellationToken).ConfigureAwait(false)
            ? OtherMunicipalityResult
            : await CommandInProcessAsync(actors, CoordinationActors.TeamOf(team.Id), new UpsertTeam(team), cancellationToken).ConfigureAwait(false);

    internal static async Task<CommandResult> WriteSchoolInProcessAsync(Caller caller, School school, WriteScope scope, IGrainFactory grains, CancellationToken cancellationToken) =>
        !await scope.MayWriteSchoolAsync(caller, school, cancellationToken).ConfigureAwait(false)
            ? OtherMunicipalityResult
            : (await GrainCalls.CommandAsync(() => grains.School(school.Id).UpsertAsync(new UpsertSchool(school))).ConfigureAwait(false)).Result
              ?? CommandResult.Refused(UnavailableCode, "The school's grain could not be reached.");

    /// <summary>As <c>POST /children</c> with a key: the profile (with its protected-identity flag) in one <see cref="UpsertChild"/>.</summary>
    internal static async Task<CommandResult> WriteChildInProcessAsync(
        Caller caller, ChildRosterItem item, ChildIdentity identity, WriteScope scope, IActorClient actors, CancellationToken cancellationToken)
    {
        var (key, error) = identity.Resolve(item.Child, "child");
        if (error is not null || key is null)
        {
            return CommandResult.Refused(error?.Code ?? "Required", error?.Message ?? "A child reference is required.");
        }

        if (!StringIds.IsValid(item.HomeMunicipality))
        {
            return CommandResult.Refused("Required", "homeMunicipality is required.");
        }

        if (!await scope.MayEnrolAtAsync(caller, item.Enrolments, cancellationToken).ConfigureAwait(false))
        {
            return OtherMunicipalityResult;
        }

        var command = new UpsertChild(ToProfile(item, key.Value), caller.Municipality);
        return await CommandInProcessAsync(actors, CoordinationActors.ChildOf(key.Value), command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The code of an in-process write the actors did not answer in time (retry later): not a refusal of the item.</summary>
    internal const string UnavailableCode = "Unavailable";

    private static CommandResult OtherMunicipalityResult { get; } = CommandResult.Refused(WriteScope.OtherMunicipalityCode, OtherMunicipalityMessage);

    private static async Task<CommandResult> CommandInProcessAsync(IActorClient actors, ActorId target, object command, CancellationToken cancellationToken)
    {
        var (result, _) = await ActorCalls.CommandAsync(actors, target, command, null, cancellationToken).ConfigureAwait(false);
        return result ?? CommandResult.Refused(UnavailableCode, "The actor did not answer in time.");
    }
}
