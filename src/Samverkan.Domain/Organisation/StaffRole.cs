using System.Text.Json.Serialization;

namespace Samverkan.Domain.Organisation;

/// <summary>What a staff member does; a person may hold several roles.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StaffRole>))]
public enum StaffRole
{
    /// <summary>Rektor / förskolechef.</summary>
    Principal,

    /// <summary>Kurator.</summary>
    Counsellor,

    /// <summary>Skolsköterska.</summary>
    SchoolNurse,

    /// <summary>Skolpsykolog / psykolog.</summary>
    Psychologist,

    /// <summary>Specialpedagog.</summary>
    SpecialEducator,

    Teacher,

    /// <summary>Mentor (SS 12000 group role).</summary>
    Mentor,

    /// <summary>Socialsekreterare.</summary>
    SocialWorker,

    /// <summary>Enhetschef / manager of a team or unit.</summary>
    Manager,

    /// <summary>Samordnare: coordinates across agencies; sees aggregates.</summary>
    Coordinator,

    /// <summary>Sjuksköterska (e.g. the BVC nurse).</summary>
    Nurse,

    /// <summary>Läkare.</summary>
    Doctor,

    PoliceOfficer,
}
