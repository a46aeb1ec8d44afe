using System.Text.Json.Serialization;

namespace Samverkan.Domain.Organisation;

/// <summary>The agencies that meet children. Sharing between them is the exception (secrecy law).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Agency>))]
public enum Agency
{
    /// <summary>Preschool and school, with the student-health team.</summary>
    School,

    /// <summary>The municipality's social services (socialtjänst).</summary>
    SocialServices,

    /// <summary>Child health centre (BVC), run by the region.</summary>
    ChildHealthCentre,

    /// <summary>Child and adolescent psychiatry (BUP), run by the region.</summary>
    ChildPsychiatry,

    /// <summary>Primary care (vårdcentral), run by the region.</summary>
    PrimaryCare,

    Police,
}
