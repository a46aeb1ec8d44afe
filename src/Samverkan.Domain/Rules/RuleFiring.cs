using Samverkan.Domain.Common;

namespace Samverkan.Domain.Rules;

/// <summary>A rule crossed its threshold for a child: what fired, when, as of which school date, and the evidence.</summary>
public sealed record RuleFiring
{
    public required RuleId Rule { get; init; }

    public required RuleKind Kind { get; init; }

    public required Severity Severity { get; init; }

    public required DateTimeOffset FiredAt { get; init; }

    /// <summary>The Swedish date the evaluation was made for.</summary>
    public required DateOnly AsOf { get; init; }

    /// <summary>The episode (a term for the term rule, the newest concern for the concern rule), if the rule has them.</summary>
    public string? EpisodeKey { get; init; }

    public required RuleEvidence Evidence { get; init; }
}
