using System.Collections.Immutable;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Sharing;

namespace Samverkan.Domain.Cases;

/// <summary>The participants and lead proposed for a case, and why social services were left out if they were.</summary>
public sealed record ParticipantProposal(ImmutableArray<CaseParticipant> Participants, ParticipantRef? Lead, string? SocialServicesExclusion);

/// <summary>Chooses who takes part in a case when it opens.</summary>
public static class CaseParticipants
{
    /// <summary>Why social services were left out: nothing allows sharing with them.</summary>
    public const string NoBasisReason = "No report of concern, watch or valid consent allows sharing with social services.";

    /// <summary>Why social services were left out: a basis, but nobody at the school's social services to include.</summary>
    public const string NoContactReason = "A legal basis exists, but the school has no social-services contact to include.";

    /// <summary>
    /// The school's student-health team and the child's named person always; social services (the school's
    /// social-services team and contact persons, and the watch owner) only when the trigger carries a legal
    /// basis (a report of concern, a watch, or a valid consent). The proposed lead is the watch owner or the
    /// primary social-services contact for watch signals and concern follow-ups, otherwise the named person,
    /// otherwise the student-health team.
    /// </summary>
    public static ParticipantProposal Propose(CaseTrigger trigger, School? school, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        var participants = new List<CaseParticipant>();

        void Add(ParticipantRef who, Agency agency, CaseParticipantRole role, LegalBasis? basis)
        {
            if (!participants.Any(p => p.Who == who))
            {
                participants.Add(new CaseParticipant(who, agency, role, basis, now));
            }
        }

        if (school?.StudentHealthTeam is { } eht)
        {
            Add(ParticipantRef.ForTeam(eht), Agency.School, CaseParticipantRole.StudentHealthTeam, null);
        }

        if (trigger.NamedPerson is { } named)
        {
            Add(ParticipantRef.ForStaff(named.Staff), named.Agency, CaseParticipantRole.NamedPerson, null);
        }

        var ssLink = school?.SocialServices;
        string? exclusion = null;
        ParticipantRef? ssLead = null;
        if (trigger.SocialServicesBases.IsDefaultOrEmpty)
        {
            exclusion = NoBasisReason;
        }
        else
        {
            var basis = trigger.SocialServicesBases[0];
            if (ssLink?.Team is { } ssTeam)
            {
                Add(ParticipantRef.ForTeam(ssTeam), Agency.SocialServices, CaseParticipantRole.SocialServicesTeam, basis);
            }

            if (trigger.WatchOwner is { } owner)
            {
                Add(ParticipantRef.ForStaff(owner), Agency.SocialServices, CaseParticipantRole.WatchOwner, basis);
                ssLead = ParticipantRef.ForStaff(owner);
            }

            foreach (var contact in ssLink?.ContactPersons ?? [])
            {
                Add(ParticipantRef.ForStaff(contact), Agency.SocialServices, CaseParticipantRole.SocialServicesContact, basis);
            }

            ssLead ??= ssLink?.PrimaryContact is { } primary ? ParticipantRef.ForStaff(primary)
                : ssLink?.Team is { } team ? ParticipantRef.ForTeam(team)
                : null;
            if (ssLead is null)
            {
                exclusion = NoContactReason;
            }
        }

        var lead = trigger.Kind is CaseKind.WatchSignal or CaseKind.ConcernFollowUp ? ssLead : null;
        lead ??= trigger.NamedPerson is { } np ? ParticipantRef.ForStaff(np.Staff)
            : school?.StudentHealthTeam is { } t ? ParticipantRef.ForTeam(t)
            : ssLead;
        return new ParticipantProposal([.. participants], lead, exclusion);
    }
}
