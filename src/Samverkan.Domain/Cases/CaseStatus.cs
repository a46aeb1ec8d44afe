using System.Text.Json.Serialization;

namespace Samverkan.Domain.Cases;

/// <summary>The lifecycle of a case; see <see cref="CaseStateMachine"/> for the allowed transitions.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CaseStatus>))]
public enum CaseStatus
{
    Open,
    Acknowledged,
    Planning,
    Active,
    FollowUp,
    Closed,
}
