using System.Collections.Immutable;
using Samverkan.Coordination.Cases;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;

namespace Samverkan.Host.Api;

/// <summary>A case-work command ready to be asked as the caller, or the field errors that keep it from being sent.</summary>
public sealed record CaseWorkCommand(Func<ActingStaff, object>? Create, ImmutableArray<FieldError> Errors)
{
    public bool IsValid => Create is not null;

    public static CaseWorkCommand Of(Func<ActingStaff, object> create) => new(create, []);

    public static CaseWorkCommand Invalid(params FieldError[] errors) => new(null, [.. errors]);
}

/// <summary>
/// Turns case-work requests into the case actor's messages, with the checks of their shape (ids); what the domain decides
/// (required text, dates, who may) stays in <c>CaseWorkDecisions</c>. Shared by the API and the dashboard.
/// </summary>
public static class CaseWorkRequests
{
    public static CaseWorkCommand Lead(LeadRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Staff is { } s && !StringIds.IsValid(s)
            ? CaseWorkCommand.Invalid(new FieldError("staff", "Invalid", "staff is a staff id (or absent to take the lead yourself)."))
            : CaseWorkCommand.Of(by => new AssignCaseLead(request.Staff is { } id ? new StaffId(id) : null, by));
    }

    public static CaseWorkCommand AddAction(PlanActionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if ((request.Organisation is { } o && !StringIds.IsValid(o)) || (request.Owner is { } w && !StringIds.IsValid(w)))
        {
            return CaseWorkCommand.Invalid(new FieldError("organisation", "Invalid", "organisation and owner are ids."));
        }

        var action = new NewPlanAction(
            request.What,
            request.DueOn,
            request.Organisation is { } org ? new OrganisationId(org) : null,
            request.Agency,
            request.Owner is { } owner ? new StaffId(owner) : null);
        return CaseWorkCommand.Of(by => new AddCasePlanAction(action, by));
    }

    public static CaseWorkCommand UpdateAction(string actionId, PlanActionUpdateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CaseWorkCommand.Of(by => new UpdateCasePlanAction(actionId, new PlanActionUpdate(request.Status, request.Progress, request.DueOn), by));
    }

    public static CaseWorkCommand ScheduleMeeting(MeetingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CaseWorkCommand.Of(by => new ScheduleCaseMeeting(request.At, request.Purpose, by));
    }

    /// <summary>A held meeting (the caller checks the number of attendees and decisions first: too many is refused there with 422).</summary>
    public static CaseWorkCommand MeetingHeld(string meetingId, MeetingHeldRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var attendees = request.Attendees ?? [];
        var decisions = request.Decisions ?? [];
        var errors = new List<FieldError>();
        var parsed = ImmutableArray.CreateBuilder<MeetingAttendee>();
        for (var i = 0; i < attendees.Count; i++)
        {
            var a = attendees[i];
            if (a is null || !StringIds.IsValid(a.Organisation) || a.Agency is null || (a.Staff is { } s && !StringIds.IsValid(s)))
            {
                errors.Add(new FieldError($"attendees[{i}]", "Invalid", "An attendee is an organisation id with its agency (and optionally a staff id)."));
                continue;
            }

            parsed.Add(new MeetingAttendee(new OrganisationId(a.Organisation!), a.Agency.Value, a.Staff is { } staff ? new StaffId(staff) : null));
        }

        if (request.OverallResponsible is { } r && !StringIds.IsValid(r))
        {
            errors.Add(new FieldError("overallResponsible", "Invalid", "overallResponsible is a staff id."));
        }

        if (errors.Count > 0)
        {
            return new CaseWorkCommand(null, [.. errors]);
        }

        var record = new MeetingRecord
        {
            HeldAt = request.HeldAt,
            Attendees = parsed.ToImmutable(),
            Decisions = [.. decisions],
            NextFollowUpOn = request.NextFollowUpOn,
            PlanAgreed = request.PlanAgreed,
            OverallResponsible = request.OverallResponsible is { } responsible ? new StaffId(responsible) : null,
        };
        return CaseWorkCommand.Of(by => new RecordCaseMeetingHeld(meetingId, record, by));
    }
}
