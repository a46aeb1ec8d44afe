using Samverkan.Domain.Identity;
using Samverkan.Domain.Rules;

namespace Samverkan.Domain.Children.Events;

/// <summary>A rule that had fired fell back below its re-arm level (or a correction pulled it back) and may fire again.</summary>
public sealed record RuleRearmed(PseudonymousKey Child, DateTimeOffset At, RuleId Rule) : ChildEvent(Child, At);
