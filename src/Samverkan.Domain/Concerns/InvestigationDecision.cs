using System.Text.Json.Serialization;

namespace Samverkan.Domain.Concerns;

/// <summary>Social services' decision on a report of concern.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InvestigationDecision>))]
public enum InvestigationDecision
{
    /// <summary>Utredning inleds.</summary>
    Opened,

    /// <summary>Utredning inleds ej: the child goes under watch so the concern is not lost.</summary>
    NotOpened,
}
