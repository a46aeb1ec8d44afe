using System.ComponentModel.DataAnnotations;

namespace Samverkan.Host.Retention;

/// <summary>
/// Retention (gallring) per record kind, section <c>Samverkan:Retention</c>. The audit log is not culled: it is the
/// legal record of who accessed a child's data and is append-only (see docs/security.md).
/// </summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Samverkan:Retention";

    /// <summary>Runs the culling job on this node (one node at a time culls; the others skip while it runs).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the job runs.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>The wait after start before the first run.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A closed case is culled this many days after it was closed (state, timers, read-model rows, its alerts).</summary>
    [Range(1, 36500)]
    public int ClosedCasesDays { get; set; } = 730;

    /// <summary>
    /// A concern that led to no investigation is culled this many months after its watch ended (with its reporter and the
    /// watch), unless the child has an open case.
    /// </summary>
    [Range(1, 1200)]
    public int ConcernsWithoutInvestigationMonths { get; set; } = 6;

    /// <summary>Records culled per round trip; the job repeats until nothing more is due.</summary>
    [Range(1, 10000)]
    public int BatchSize { get; set; } = 500;
}
