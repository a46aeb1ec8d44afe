namespace Samverkan.Domain.Rules;

/// <summary>The ids of the shipped default rules.</summary>
public static class RuleIds
{
    public static readonly RuleId TotalAbsence = new("absence-total-share");
    public static readonly RuleId ConsecutiveAbsence = new("absence-consecutive-days");
    public static readonly RuleId UnexcusedAbsence = new("absence-unexcused-in-term");
    public static readonly RuleId RepeatedConcern = new("concern-repeated");
    public static readonly RuleId SignalUnderWatch = new("watch-signal");
}
