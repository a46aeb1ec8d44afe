namespace Samverkan.SchoolSync.Ss12000;

/// <summary>
/// Whether a page is whole: every item present and carrying the fields the schema requires (and the connector reads).
/// A page with one bad item is refused as a whole, before anything of it is applied. Reasons name fields, never values.
/// </summary>
public static class Ss12000Validation
{
    public static string? Organisation(Ss12000Organisation o) =>
        Id(o.Id) ?? Meta(o.Meta) ?? Required(o.DisplayName, "displayName") ?? Required(o.OrganisationType, "organisationType");

    public static string? Person(Ss12000Person p) =>
        Id(p.Id) ?? Meta(p.Meta) ?? Required(p.GivenName, "givenName") ?? Required(p.FamilyName, "familyName")
        ?? ((p.Enrolments ?? []).Any(e => e is null || Id(e.EnroledAt?.Id) is not null || e.StartDate is null || e.SchoolType is null)
            ? "enrolments: enroledAt, schoolType and startDate are required" : null)
        ?? (p.CivicNo is { Value: null } ? "civicNo.value is required" : null);

    public static string? Placement(Ss12000Placement p) =>
        Id(p.Id) ?? Meta(p.Meta) ?? Ref(p.PlacedAt, "placedAt") ?? Ref(p.Child, "child") ?? Required(p.SchoolType, "schoolType")
        ?? (p.StartDate is null ? "startDate is required" : null);

    public static string? Duty(Ss12000Duty d) =>
        Id(d.Id) ?? Meta(d.Meta) ?? Ref(d.DutyAt, "dutyAt") ?? Required(d.DutyRole, "dutyRole") ?? (d.StartDate is null ? "startDate is required" : null)
        ?? Ref(d.Person, "person");

    public static string? Group(Ss12000Group g) =>
        Id(g.Id) ?? Meta(g.Meta) ?? Required(g.DisplayName, "displayName") ?? Required(g.GroupType, "groupType") ?? Ref(g.Organisation, "organisation")
        ?? (g.StartDate is null ? "startDate is required" : null);

    public static string? Attendance(Ss12000Attendance a) =>
        Id(a.Id) ?? Meta(a.Meta) ?? Ref(a.CalendarEvent, "calendarEvent") ?? Ref(a.Student, "student") ?? (a.IsReported is null ? "isReported is required" : null)
        ?? (new[] { a.AttendanceMinutes, a.ValidAbsenceMinutes, a.InvalidAbsenceMinutes, a.OtherAttendanceMinutes }.Any(m => m < 0) ? "minutes cannot be negative" : null);

    public static string? CalendarEvent(Ss12000CalendarEvent e) =>
        Id(e.Id) ?? Meta(e.Meta) ?? Ref(e.Activity, "activity") ?? (e.StartTime is null || e.EndTime is null ? "startTime and endTime are required" : null)
        ?? (e.EndTime < e.StartTime ? "endTime is before startTime" : null);

    /// <summary>Refuses the whole page when an item is missing or not whole.</summary>
    public static IReadOnlyList<T> Whole<T>(Ss12000Page<T> page, string endpoint, Func<T, string?> check)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(page);
        var items = new List<T>(page.Data!.Count);
        for (var i = 0; i < page.Data.Count; i++)
        {
            var reason = page.Data[i] is { } item ? check(item) : "the item is null";
            if (reason is not null)
            {
                throw new Ss12000MalformedPageException($"A page of {endpoint} was refused: item {i}: {reason}.");
            }

            items.Add(page.Data[i]!);
        }

        return items;
    }

    private static string? Id(string? id) => SchoolSyncMapping.IsId(id) ? null : "id is required";

    private static string? Meta(Ss12000Meta? meta) => meta?.Modified is null ? "meta.modified is required" : null;

    private static string? Ref(Ss12000Reference? reference, string field) => SchoolSyncMapping.IsId(reference?.Id) ? null : field + ".id is required";

    private static string? Required(string? value, string field) => string.IsNullOrEmpty(value) ? field + " is required" : null;
}
