using Samverkan.Domain.Identity;
using Samverkan.Domain.Rules;

namespace Samverkan.Domain.Children.Events;

/// <summary>A rule crossed its threshold (once per episode).</summary>
public sealed record RuleFired(PseudonymousKey Child, DateTimeOffset At, RuleFiring Firing) : ChildEvent(Child, At);
