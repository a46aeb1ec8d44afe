using System.Text.Json.Serialization;

namespace Samverkan.Domain.Rules;

/// <summary>The kinds of rule the evaluator knows; a rule set holds definitions of these kinds with their parameters.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RuleKind>))]
public enum RuleKind
{
    /// <summary>Excused plus unexcused absence as a share of offered time over a window of school days.</summary>
    TotalAbsenceShare,

    /// <summary>A run of consecutive absent school days.</summary>
    ConsecutiveAbsentDays,

    /// <summary>Unexcused absences counted within a term.</summary>
    UnexcusedAbsencesInTerm,

    /// <summary>Several reports of concern within some months.</summary>
    RepeatedConcern,

    /// <summary>Any other firing, or a new concern, while the child is under watch.</summary>
    SignalUnderWatch,
}

/// <summary>Helpers on <see cref="RuleKind"/>.</summary>
public static class RuleKinds
{
    /// <summary>The absence rules: the ones a principal may override per school.</summary>
    public static bool IsAbsenceRule(this RuleKind kind) =>
        kind is RuleKind.TotalAbsenceShare or RuleKind.ConsecutiveAbsentDays or RuleKind.UnexcusedAbsencesInTerm;
}
