using System.Collections.Immutable;
using Samverkan.Domain.Absence;
using Samverkan.Domain.Concerns;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Rules;
using Samverkan.Domain.Sharing;

namespace Samverkan.Domain.Children;

/// <summary>
/// The persisted state of a child actor: roster data (null until the roster names the child, e.g. when a
/// concern arrives first), the rolling absence record, concerns (reporters kept apart), the watch,
/// consents, per-rule tracking, and references to open cases. Version 2 (issue 8) added the named person's vacancy
/// and the reporters' feedback with empty defaults, so version 1 documents read unchanged.
/// </summary>
public sealed record ChildState
{
    public const int CurrentSchemaVersion = 2;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public required PseudonymousKey Key { get; init; }

    public Child? Profile { get; init; }

    public AbsenceRecord Absence { get; init; } = AbsenceRecord.Empty;

    public ImmutableArray<Concern> Concerns { get; init; } = [];

    /// <summary>Who reported each concern: shown to social services only.</summary>
    public ImmutableArray<ConcernReporter> ConcernReporters { get; init; } = [];

    /// <summary>The current or last watch.</summary>
    public Watch? Watch { get; init; }

    public ImmutableArray<Consent> Consents { get; init; } = [];

    /// <summary>Recorded decisions not to share (kept like consents: the record of what was considered).</summary>
    public ImmutableArray<DecisionNotToShare> DecisionsNotToShare { get; init; } = [];

    public ImmutableArray<RuleTrack> RuleTracks { get; init; } = [];

    public ImmutableArray<CaseRef> OpenCases { get; init; } = [];

    /// <summary>The number of cases this child has opened (their ids are <c>{key}-{n}</c>).</summary>
    public int CaseSequence { get; init; }

    /// <summary>The number of case triggers raised (their ids are <c>{key}/t{n}</c>).</summary>
    public int TriggerSequence { get; init; }

    /// <summary>The named person left or was deactivated; cleared when the roster names a new one.</summary>
    public NamedPersonVacancy? NamedPersonVacancy { get; init; }

    /// <summary>The feedback social services owe the reporting organisation of each concern.</summary>
    public ImmutableArray<ReporterFeedback> ReporterFeedback { get; init; } = [];

        /// <summary>A child the system has not seen before.</summary>
    public static ChildState New(PseudonymousKey key) => new() { Key = key };
}
