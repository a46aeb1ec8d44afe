using System.Globalization;
using Samverkan.Domain.Common;

namespace Samverkan.Domain.Rules;

/// <summary>Swedish and English descriptions generated from a rule's parameters, so they never disagree with them.</summary>
public static class RuleDescriptions
{
    public static LocalizedText Describe(RuleDefinition rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        switch (rule.Kind)
        {
            case RuleKind.TotalAbsenceShare:
            {
                var t = rule.ThresholdPercent ?? 0m;
                var r = rule.RearmBelowPercent ?? 0m;
                var w = rule.WindowSchoolDays ?? 0;
                var m = rule.MinimumReportedSchoolDays ?? 0;
                return new(
                    $"Total frånvaro (giltig och ogiltig) är minst {Sv(t)} % av den erbjudna tiden under de senaste {w} skoldagarna (lov och helgdagar räknas inte; bedöms när minst {m} av dagarna har registreringar). Regeln återaktiveras när andelen sjunkit under {Sv(r)} %.",
                    $"Total absence (excused and unexcused) is at least {En(t)} % of offered time over the last {w} school days (breaks and holidays do not count; judged once at least {m} of the days have registrations). The rule re-arms when the share falls below {En(r)} %.");
            }

            case RuleKind.ConsecutiveAbsentDays:
            {
                var n = rule.ConsecutiveDays ?? 0;
                var p = rule.AbsentDayPercent ?? 0m;
                var w = rule.WindowSchoolDays ?? 0;
                return new(
                    $"{n} skoldagar i följd med frånvaro (en dag räknas när frånvaron täcker minst {Sv(p)} % av den erbjudna tiden); helger, helgdagar och lov varken bryter eller förlänger följden. Återaktiveras när ingen sådan följd finns bland de senaste {w} skoldagarna.",
                    $"{n} consecutive school days absent (a day counts when absence covers at least {En(p)} % of its offered time); weekends, holidays and breaks neither break nor count towards the run. Re-arms when no such run remains within the last {w} school days.");
            }

            case RuleKind.UnexcusedAbsencesInTerm:
            {
                var c = rule.Count ?? 0;
                var byDay = rule.CountingUnit != UnexcusedCountingUnit.Lesson;
                return new(
                    byDay
                        ? $"{c} skoldagar med ogiltig frånvaro under samma termin."
                        : $"{c} lektioner med ogiltig frånvaro under samma termin.",
                    byDay
                        ? $"{c} school days with unexcused absence within one term."
                        : $"{c} lessons with unexcused absence within one term.");
            }

            case RuleKind.RepeatedConcern:
            {
                var c = rule.Count ?? 0;
                var m = rule.WithinMonths ?? 0;
                return c == 2
                    ? new($"En andra orosanmälan inom {m} månader.", $"A second report of concern within {m} months.")
                    : new($"{c} orosanmälningar inom {m} månader.", $"{c} reports of concern within {m} months.");
            }

            case RuleKind.SignalUnderWatch:
                return new(
                    "En ny signal (en annan regel som slår till eller en ny orosanmälan) medan barnet är under bevakning efter en anmälan som inte ledde till utredning: högre allvarlighetsgrad och ärende med socialtjänsten.",
                    "A new signal (another rule firing or a new report of concern) while the child is under watch after a concern that led to no investigation: raised severity and a case with social services.");
            default:
                return new(rule.Kind.ToString(), rule.Kind.ToString());
        }
    }

    internal static string En(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    internal static string Sv(decimal value) => En(value).Replace('.', ',');
}
