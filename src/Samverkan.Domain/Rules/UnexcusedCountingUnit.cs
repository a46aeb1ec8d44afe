using System.Text.Json.Serialization;

namespace Samverkan.Domain.Rules;

/// <summary>What one "unexcused absence" is when counting them.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UnexcusedCountingUnit>))]
public enum UnexcusedCountingUnit
{
    /// <summary>A date with unexcused minutes (however many lessons): independent of per-lesson or per-day reporting.</summary>
    SchoolDay,

    /// <summary>A registration (lesson, or day for per-day registrations) with unexcused minutes.</summary>
    Lesson,
}
