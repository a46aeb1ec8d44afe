using System.Text.Json.Serialization;

namespace Samverkan.Domain.Sharing;

/// <summary>Categories of information a consent can cover.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InformationCategory>))]
public enum InformationCategory
{
    /// <summary>Attendance and absence figures.</summary>
    Attendance,

    /// <summary>Schooling: results, support measures, adjustments.</summary>
    Schooling,

    /// <summary>Health (student health, BVC, BUP, primary care).</summary>
    Health,

    /// <summary>Social circumstances known to social services.</summary>
    SocialCircumstances,

    /// <summary>Reports of concern and their outcome.</summary>
    Concerns,

    /// <summary>The joint case and its plan.</summary>
    CaseWork,
}
