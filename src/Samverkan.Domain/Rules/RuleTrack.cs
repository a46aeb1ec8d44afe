namespace Samverkan.Domain.Rules;

/// <summary>
/// Per child and rule: whether the rule may fire (armed) and when it last did. A rule that fired is
/// disarmed until the child falls back below its re-arm level (or a new episode begins), so one episode
/// fires once.
/// </summary>
public sealed record RuleTrack(RuleId Rule, bool Armed, string? EpisodeKey, DateTimeOffset? LastFiredAt, DateOnly? LastFiredAsOf, int Firings)
{
    public static RuleTrack Initial(RuleId rule) => new(rule, true, null, null, null, 0);
}
