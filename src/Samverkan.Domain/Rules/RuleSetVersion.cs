using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Rules;

/// <summary>Who changed a rule set, when and why; <see cref="Number"/> increases by one per change.</summary>
public sealed record RuleSetVersion(int Number, StaffId ChangedBy, DateTimeOffset ChangedAt, string Reason)
{
    /// <summary>The author of the shipped defaults.</summary>
    public static readonly StaffId System = new("system");
}
